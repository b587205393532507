package rabbitmqinfo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	rabbithole "github.com/michaelklishin/rabbit-hole/v2"
	"github.com/terraform-providers/terraform-provider-rabbitmq/rabbitmq"
)

// queueReadWithoutStats replaces rabbitmq_queue's Read (and the read its Create
// ends with) by one that asks the management API for the queue without its
// statistics: GET /api/queues/{vhost}/{name}?disable_stats=true.
//
// Upstream's ReadQueue (the terraform-provider-rabbitmq go.mod pins) calls rabbit-hole's
// GetQueue, which asks for the full payload and decodes its consumer_details
// into structs. RabbitMQ 3.10 sends consumer details that do not fit them, and
// the whole read (refresh, import, the read-back after a create) then fails:
//   - a consumer on a direct (in-node) connection, e.g. a dynamic shovel whose
//     source URI has no host (amqp:///vhost), has channel_details.peer_port
//     "undefined", a string where rabbit-hole wants a number;
//   - a stream queue keeps a consumer whose channel closed without cancelling
//     for about a minute, with channel_details [] (a list where an object is
//     expected).
//
// The read needs none of it: name, vhost, durable, auto_delete and arguments
// are all it sets. With disable_stats=true, RabbitMQ (rabbit_mgmt_wm_queue:to_json
// in 3.10, still so in 4.1) answers with the queue's own record
// (rabbit_mgmt_format:queue/1), without consumer_details.
//
// Everything else is upstream's: the id (name@vhost), the settings, the choice
// between arguments and arguments_json, a 404 making the resource gone.
func queueReadWithoutStats(p *schema.Provider) {
	r := p.ResourcesMap["rabbitmq_queue"]
	if r == nil || !sameFunc(r.Read, rabbitmq.ReadQueue) || !sameFunc(r.Create, rabbitmq.CreateQueue) ||
		r.ReadContext != nil || r.ReadWithoutTimeout != nil || r.CreateContext != nil || r.CreateWithoutTimeout != nil {
		panic("queueReadWithoutStats: rabbitmq_queue's Create and Read are not upstream's CreateQueue and ReadQueue in this provider version")
	}
	settings, ok := r.Schema["settings"].Elem.(*schema.Resource)
	if !ok || r.Schema["name"] == nil || r.Schema["vhost"] == nil {
		panic("queueReadWithoutStats: rabbitmq_queue has no name, vhost and settings in this provider version")
	}
	for _, key := range []string{"durable", "auto_delete", "arguments", "arguments_json"} {
		if settings.Schema[key] == nil {
			panic("queueReadWithoutStats: rabbitmq_queue has no settings." + key + " in this provider version")
		}
	}
	r.Read = readQueue
	r.Create = createQueue
}

func sameFunc(a, b interface{}) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Kind() == reflect.Func && vb.Kind() == reflect.Func && !va.IsNil() && va.Pointer() == vb.Pointer()
}

// createQueue is upstream's CreateQueue, ending with readQueue.
func createQueue(d *schema.ResourceData, meta interface{}) error {
	rmqc := meta.(*rabbithole.Client)
	name := d.Get("name").(string)
	vhost := d.Get("vhost").(string)
	settingsList := d.Get("settings").([]interface{})
	settingsMap, ok := settingsList[0].(map[string]interface{})
	if !ok {
		return fmt.Errorf("Unable to parse settings")
	}
	queueSettings := rabbithole.QueueSettings{}
	if v, ok := settingsMap["durable"].(bool); ok {
		queueSettings.Durable = v
	}
	if v, ok := settingsMap["auto_delete"].(bool); ok {
		queueSettings.AutoDelete = v
	}
	// arguments_json, when given, is the arguments (the two conflict in the schema).
	if v, ok := settingsMap["arguments_json"].(string); ok && v != "" {
		var arguments map[string]interface{}
		if err := json.Unmarshal([]byte(v), &arguments); err != nil {
			return err
		}
		queueSettings.Arguments = arguments
	} else if v, ok := settingsMap["arguments"].(map[string]interface{}); ok {
		queueSettings.Arguments = v
	}
	resp, err := rmqc.DeclareQueue(vhost, name, queueSettings)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("Error declaring RabbitMQ queue: %s", resp.Status)
	}
	d.SetId(fmt.Sprintf("%s@%s", name, vhost))
	return readQueue(d, meta)
}

// readQueue is upstream's ReadQueue without the queue's statistics.
func readQueue(d *schema.ResourceData, meta interface{}) error {
	rmqc := meta.(*rabbithole.Client)
	name, vhost, err := parseQueueID(d.Id())
	if err != nil {
		return err
	}
	q, err := rmqc.GetQueueWithParameters(vhost, name, url.Values{"disable_stats": []string{"true"}})
	if err != nil {
		var notFound rabbithole.ErrorResponse
		if errors.As(err, &notFound) && notFound.StatusCode == 404 {
			d.SetId("")
			return nil
		}
		return err
	}
	if err := d.Set("name", q.Name); err != nil {
		return err
	}
	if err := d.Set("vhost", q.Vhost); err != nil {
		return err
	}
	e := map[string]interface{}{
		"durable":     q.Durable,
		"auto_delete": bool(q.AutoDelete),
	}
	// As upstream: keep the form the arguments were given in (arguments or
	// arguments_json), and use arguments_json when a live argument is not a
	// string, which `arguments` cannot hold.
	if _, ok := d.GetOk("settings.0.arguments_json"); ok || nonStringIn(q.Arguments) {
		bytes, err := json.Marshal(q.Arguments)
		if err != nil {
			return err
		}
		e["arguments_json"] = string(bytes)
	} else {
		e["arguments"] = q.Arguments
	}
	return d.Set("settings", []map[string]interface{}{e})
}

// parseQueueID splits upstream's queue id, name@vhost.
func parseQueueID(id string) (name, vhost string, err error) {
	parts := strings.Split(id, "@")
	if len(parts) != 2 {
		return "", "", fmt.Errorf("Unable to parse resource id: %s", id)
	}
	return parts[0], parts[1], nil
}

func nonStringIn(args map[string]interface{}) bool {
	for _, v := range args {
		if _, ok := v.(string); !ok {
			return true
		}
	}
	return false
}
