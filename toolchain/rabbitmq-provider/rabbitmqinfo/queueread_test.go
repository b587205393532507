package rabbitmqinfo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	rabbithole "github.com/michaelklishin/rabbit-hole/v2"
	"github.com/terraform-providers/terraform-provider-rabbitmq/rabbitmq"
)

// The testdata files are what RabbitMQ 3.10.8 answered to
// GET /api/queues/{vhost}/{name} (<case>.json) and to the same with
// ?disable_stats=true (<case>.disable_stats.json):
//
//	shovel-source-queue            classic queue "src", the source of a dynamic shovel
//	                               with src-uri amqp:///wtp-probe: its consumer is on a
//	                               direct connection, channel_details.peer_port "undefined"
//	stream-channel-less-consumer   stream "st" whose consumer's channel closed without
//	                               basic.cancel: channel_details []
//	plain-queue                    classic queue "dst", no consumer
//	not-found.json                 the 404 body

// fakeBroker answers like the management API: the full payload, or without
// statistics when asked with disable_stats=true; 404 for any other queue. It
// records the queries it was asked, and the bodies of PUTs.
type fakeBroker struct {
	t       *testing.T
	queues  map[string]string // escaped path after /api/queues/ -> testdata case
	mu      sync.Mutex
	queries []string
	puts    map[string]map[string]interface{}
}

func newFakeBroker(t *testing.T, queues map[string]string) (*fakeBroker, *rabbithole.Client) {
	t.Helper()
	b := &fakeBroker{t: t, queues: queues, puts: map[string]map[string]interface{}{}}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	client, err := rabbithole.NewClient(srv.URL, "guest", "guest")
	if err != nil {
		t.Fatal(err)
	}
	return b, client
}

func (b *fakeBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/api/queues/")
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodPut:
		var body map[string]interface{}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			b.t.Errorf("PUT %s: %v", path, err)
		}
		b.puts[path] = body
		w.WriteHeader(http.StatusCreated)
		return
	case http.MethodGet:
		b.queries = append(b.queries, r.URL.RawQuery)
		name, ok := b.queues[path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write(testdata(b.t, "not-found.json"))
			return
		}
		if r.URL.Query().Get("disable_stats") == "true" {
			name += ".disable_stats"
		}
		_, _ = w.Write(testdata(b.t, name+".json"))
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func queueResource(t *testing.T) *schema.Resource {
	t.Helper()
	r := terraformProvider().ResourcesMap["rabbitmq_queue"]
	if r == nil {
		t.Fatal("no rabbitmq_queue")
	}
	return r
}

func queueData(t *testing.T, r *schema.Resource, id string, settings map[string]interface{}) *schema.ResourceData {
	t.Helper()
	d := r.TestResourceData()
	d.SetId(id)
	if settings != nil {
		if err := d.Set("settings", []interface{}{settings}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func settingsOf(t *testing.T, d *schema.ResourceData) map[string]interface{} {
	t.Helper()
	list, ok := d.Get("settings").([]interface{})
	if !ok || len(list) != 1 {
		t.Fatalf("settings: %#v", d.Get("settings"))
	}
	return list[0].(map[string]interface{})
}

func jsonEqual(t *testing.T, got, want string) {
	t.Helper()
	var g, w interface{}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("arguments_json %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("arguments_json = %s, want %s", got, want)
	}
}

// The fixtures reproduce the bug: upstream's ReadQueue cannot read either queue.
func TestUpstreamReadFailsOnConsumerDetails(t *testing.T) {
	_, client := newFakeBroker(t, map[string]string{
		"wtp-probe/src": "shovel-source-queue",
		"wtp-probe/st":  "stream-channel-less-consumer",
	})
	r := rabbitmq.Provider().ResourcesMap["rabbitmq_queue"]
	for _, id := range []string{"src@wtp-probe", "st@wtp-probe"} {
		d := queueData(t, r, id, nil)
		if err := rabbitmq.ReadQueue(d, client); err == nil {
			t.Errorf("upstream ReadQueue(%s) succeeded: the fixture no longer shows the bug", id)
		} else if !strings.Contains(err.Error(), "json") {
			t.Errorf("upstream ReadQueue(%s): %v, want a JSON decoding error", id, err)
		}
	}
}

func TestReadQueueShovelSourceWithDirectConsumer(t *testing.T) {
	broker, client := newFakeBroker(t, map[string]string{"wtp-probe/src": "shovel-source-queue"})
	r := queueResource(t)
	d := queueData(t, r, "src@wtp-probe", nil)
	if err := r.Read(d, client); err != nil {
		t.Fatalf("Read: %v", err)
	}
	if d.Id() != "src@wtp-probe" || d.Get("name") != "src" || d.Get("vhost") != "wtp-probe" {
		t.Errorf("id %q name %q vhost %q", d.Id(), d.Get("name"), d.Get("vhost"))
	}
	s := settingsOf(t, d)
	if s["durable"] != true || s["auto_delete"] != false {
		t.Errorf("durable %v auto_delete %v", s["durable"], s["auto_delete"])
	}
	// x-max-length is a number, which `arguments` cannot hold: arguments_json, as upstream.
	jsonEqual(t, s["arguments_json"].(string), `{"x-max-length":1000,"x-queue-mode":"lazy"}`)
	if len(s["arguments"].(map[string]interface{})) != 0 {
		t.Errorf("arguments = %v, want none", s["arguments"])
	}
	if !reflect.DeepEqual(broker.queries, []string{"disable_stats=true"}) {
		t.Errorf("queries %q, want one GET with disable_stats=true", broker.queries)
	}
}

func TestReadQueueStreamWithChannelLessConsumer(t *testing.T) {
	_, client := newFakeBroker(t, map[string]string{"wtp-probe/st": "stream-channel-less-consumer"})
	r := queueResource(t)
	d := queueData(t, r, "st@wtp-probe", nil)
	if err := r.Read(d, client); err != nil {
		t.Fatalf("Read: %v", err)
	}
	s := settingsOf(t, d)
	if s["durable"] != true || s["auto_delete"] != false {
		t.Errorf("durable %v auto_delete %v", s["durable"], s["auto_delete"])
	}
	want := map[string]interface{}{"x-queue-type": "stream"}
	if !reflect.DeepEqual(s["arguments"], want) || s["arguments_json"] != "" {
		t.Errorf("arguments %v arguments_json %q, want %v and none", s["arguments"], s["arguments_json"], want)
	}

	// Declared with arguments_json: read back as arguments_json, as upstream.
	d = queueData(t, r, "st@wtp-probe", map[string]interface{}{"durable": true, "arguments_json": `{"x-queue-type":"stream"}`})
	if err := r.Read(d, client); err != nil {
		t.Fatalf("Read: %v", err)
	}
	s = settingsOf(t, d)
	jsonEqual(t, s["arguments_json"].(string), `{"x-queue-type":"stream"}`)
}

func TestReadQueuePlainQueueInDefaultVhost(t *testing.T) {
	broker, client := newFakeBroker(t, map[string]string{"%2F/dst": "plain-queue"})
	r := queueResource(t)
	d := queueData(t, r, "dst@/", nil)
	if err := r.Read(d, client); err != nil {
		t.Fatalf("Read: %v", err)
	}
	// The fixture's record says vhost wtp-probe: the read sets what the broker says.
	if d.Id() != "dst@/" || d.Get("name") != "dst" || d.Get("vhost") != "wtp-probe" {
		t.Errorf("id %q name %q vhost %q", d.Id(), d.Get("name"), d.Get("vhost"))
	}
	s := settingsOf(t, d)
	if s["durable"] != true || s["auto_delete"] != false || len(s["arguments"].(map[string]interface{})) != 0 || s["arguments_json"] != "" {
		t.Errorf("settings %v", s)
	}
	if len(broker.queries) != 1 || broker.queries[0] != "disable_stats=true" {
		t.Errorf("queries %q", broker.queries)
	}
}

func TestReadQueueNotFoundIsGone(t *testing.T) {
	_, client := newFakeBroker(t, nil)
	r := queueResource(t)
	d := queueData(t, r, "gone@wtp-probe", map[string]interface{}{"durable": true})
	if err := r.Read(d, client); err != nil {
		t.Fatalf("Read: %v", err)
	}
	if d.Id() != "" {
		t.Errorf("id %q after a 404, want none (resource gone)", d.Id())
	}
}

func TestReadQueueBadID(t *testing.T) {
	_, client := newFakeBroker(t, nil)
	r := queueResource(t)
	if err := r.Read(queueData(t, r, "no-vhost", nil), client); err == nil || !strings.Contains(err.Error(), "Unable to parse resource id") {
		t.Errorf("Read: %v", err)
	}
}

// Create declares the queue as upstream does (arguments_json sent as the
// arguments) and reads it back without statistics; Update (readOnUpdate) is the
// same read.
func TestCreateAndUpdateReadWithoutStats(t *testing.T) {
	broker, client := newFakeBroker(t, map[string]string{"wtp-probe/src": "shovel-source-queue"})
	r := queueResource(t)
	d := r.TestResourceData()
	for k, v := range map[string]interface{}{"name": "src", "vhost": "wtp-probe"} {
		if err := d.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Set("settings", []interface{}{map[string]interface{}{
		"durable": true, "arguments_json": `{"x-max-length":1000,"x-queue-mode":"lazy"}`,
	}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Create(d, client); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if d.Id() != "src@wtp-probe" {
		t.Errorf("id %q", d.Id())
	}
	put := broker.puts["wtp-probe/src"]
	wantArgs := map[string]interface{}{"x-max-length": float64(1000), "x-queue-mode": "lazy"}
	if put == nil || put["durable"] != true || !reflect.DeepEqual(put["arguments"], wantArgs) {
		t.Errorf("PUT body %v, want durable and arguments %v", put, wantArgs)
	}
	if err := r.Update(d, client); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if !reflect.DeepEqual(broker.queries, []string{"disable_stats=true", "disable_stats=true"}) {
		t.Errorf("queries %q", broker.queries)
	}
}

// The patch refuses a provider whose queue resource is not what it replaces.
func TestQueueReadPatchPanicsOnOtherShape(t *testing.T) {
	for name, change := range map[string]func(r *schema.Resource){
		"another Read":      func(r *schema.Resource) { r.Read = func(*schema.ResourceData, interface{}) error { return nil } },
		"another Create":    func(r *schema.Resource) { r.Create = rabbitmq.ReadQueue },
		"no auto_delete":    func(r *schema.Resource) { delete(r.Schema["settings"].Elem.(*schema.Resource).Schema, "auto_delete") },
		"no rabbitmq_queue": nil,
	} {
		t.Run(name, func(t *testing.T) {
			p := rabbitmq.Provider()
			if change == nil {
				delete(p.ResourcesMap, "rabbitmq_queue")
			} else {
				change(p.ResourcesMap["rabbitmq_queue"])
			}
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			queueReadWithoutStats(p)
		})
	}
}
