// Package rabbitmqinfo maps the upstream Terraform RabbitMQ provider onto Pulumi
// tokens. The tokens, autonamed properties and config defaults follow what the
// npm package @pulumi/rabbitmq 3.3.8 sends to its provider plugin, so that this
// locally built plugin can serve that SDK.
package rabbitmqinfo

import (
	"encoding/json"
	"reflect"
	"unicode"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-providers/terraform-provider-rabbitmq/rabbitmq"
)

// Version is the provider version; it is set at link time with
// -ldflags "-X warren.local/toolchain/rabbitmq-provider/rabbitmqinfo.Version=3.3.8".
var Version string

const (
	pkgName = "rabbitmq"
	modName = "index"
)

// resourceToken returns e.g. rabbitmq:index/vHost:VHost for "VHost".
func resourceToken(name string) tokens.Type {
	file := string(unicode.ToLower(rune(name[0]))) + name[1:]
	return tokens.Type(pkgName + ":" + modName + "/" + file + ":" + name)
}

// functionToken returns e.g. rabbitmq:index/getVHost:getVHost for "getVHost".
func functionToken(name string) tokens.ModuleMember {
	return tokens.ModuleMember(pkgName + ":" + modName + "/" + name + ":" + name)
}

// terraformProvider is the upstream Terraform provider with warren's patches.
func terraformProvider() *schema.Provider {
	tf := rabbitmq.Provider()
	// Before readOnUpdate, whose Update is the Read it finds.
	queueReadWithoutStats(tf)
	readOnUpdate(tf, "rabbitmq_binding", "rabbitmq_exchange", "rabbitmq_queue", "rabbitmq_vhost")
	classicIsImplicit(tf)
	return tf
}

// Provider returns the bridge's description of the provider.
func Provider() tfbridge.ProviderInfo {
	if Version == "" {
		panic("rabbitmqinfo.Version is not set: build with -ldflags -X ...rabbitmqinfo.Version=<version>")
	}
	tf := terraformProvider()
	info := tfbridge.ProviderInfo{
		P:                 shimv2.NewProvider(tf),
		Name:              pkgName,
		Version:           Version,
		DisplayName:       "RabbitMQ",
		Description:       "A Pulumi package for creating and managing RabbitMQ resources.",
		Keywords:          []string{"pulumi", "rabbitmq"},
		License:           "Apache-2.0",
		Homepage:          "https://pulumi.io",
		Repository:        "https://github.com/pulumi/pulumi-rabbitmq",
		GitHubOrg:         "cyrilgdn",
		TFProviderVersion: "1.8.0",
		MetadataInfo:      tfbridge.NewProviderMetadata([]byte("{}")),
		Config: map[string]*tfbridge.SchemaInfo{
			"cacert_file": {Default: &tfbridge.DefaultInfo{EnvVars: []string{"RABBITMQ_CACERT"}}},
			"insecure":    {Default: &tfbridge.DefaultInfo{EnvVars: []string{"RABBITMQ_INSECURE"}}},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"rabbitmq_binding":             {Tok: resourceToken("Binding")},
			"rabbitmq_exchange":            {Tok: resourceToken("Exchange")},
			"rabbitmq_federation_upstream": {Tok: resourceToken("FederationUpstream")},
			"rabbitmq_operator_policy":     {Tok: resourceToken("OperatorPolicy")},
			"rabbitmq_permissions":         {Tok: resourceToken("Permissions")},
			"rabbitmq_policy":              {Tok: resourceToken("Policy")},
			"rabbitmq_queue":               {Tok: resourceToken("Queue")},
			"rabbitmq_shovel":              {Tok: resourceToken("Shovel")},
			"rabbitmq_topic_permissions":   {Tok: resourceToken("TopicPermissions")},
			"rabbitmq_user":                {Tok: resourceToken("User")},
			"rabbitmq_vhost":               {Tok: resourceToken("VHost")},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"rabbitmq_exchange": {Tok: functionToken("getExchange")},
			"rabbitmq_user":     {Tok: functionToken("getUser")},
			"rabbitmq_vhost":    {Tok: functionToken("getVHost")},
		},
	}

	// Resources whose Terraform "name" is a required or optional input get a
	// Pulumi autoname (resource name plus a random suffix) when it is omitted.
	for tfName, res := range info.Resources {
		r, ok := tf.ResourcesMap[tfName]
		if !ok {
			panic("unknown Terraform resource " + tfName)
		}
		if s, has := r.Schema["name"]; has && (s.Required || s.Optional) {
			if res.Fields == nil {
				res.Fields = map[string]*tfbridge.SchemaInfo{}
			}
			if _, set := res.Fields["name"]; !set {
				res.Fields["name"] = tfbridge.AutoName("name", 255, "-")
			}
		}
	}
	for tfName := range info.DataSources {
		if _, ok := tf.DataSourcesMap[tfName]; !ok {
			panic("unknown Terraform data source " + tfName)
		}
	}
	return info
}

// readOnUpdate gives resources that have no Update an Update that reads the
// object back. Every attribute of these resources is ForceNew, so a real change
// is always a replacement (which warren's guard sees first); Pulumi still asks
// for an update to finish a resource whose create failed after the object
// existed, e.g. when the broker stopped between the declaration and the
// read-back (state recorded with init errors). Without an Update the next
// `pulumi up` fails with "doesn't support update"; with this one it reads the
// object that is there and converges.
func readOnUpdate(p *schema.Provider, names ...string) {
	for _, name := range names {
		r := p.ResourcesMap[name]
		if r == nil || r.Update != nil || r.UpdateContext != nil || r.UpdateWithoutTimeout != nil || r.Read == nil {
			panic("readOnUpdate: " + name + " is not a resource with Read and without Update in this provider version")
		}
		read := r.Read
		r.Update = func(d *schema.ResourceData, meta interface{}) error { return read(d, meta) }
	}
}

// classicIsImplicit makes a live queue's `x-queue-type: classic` equal to no
// x-queue-type at all. RabbitMQ 4 reports every classic queue with that
// argument although it was declared without one (3.x reports what was
// declared), and every queue attribute is ForceNew: without this, the first
// preview after an `up` against RabbitMQ 4 would replace (delete and declare
// again, with its messages) every classic queue declared without a type. Only
// for existing queues: a new queue is declared exactly as written, since an
// absent type means the vhost's default type, which may not be classic.
func classicIsImplicit(p *schema.Provider) {
	r := p.ResourcesMap["rabbitmq_queue"]
	settings, ok := r.Schema["settings"].Elem.(*schema.Resource)
	if !ok || settings.Schema["arguments"] == nil || settings.Schema["arguments_json"] == nil {
		panic("classicIsImplicit: rabbitmq_queue has no settings.arguments/arguments_json in this provider version")
	}
	settings.Schema["arguments"].DiffSuppressFunc = func(_, _, _ string, d *schema.ResourceData) bool {
		if d.Id() == "" {
			return false
		}
		before, after := d.GetChange("settings.0.arguments")
		return reflect.DeepEqual(withoutClassic(before), withoutClassic(after))
	}
	suppressJSON := settings.Schema["arguments_json"].DiffSuppressFunc
	settings.Schema["arguments_json"].DiffSuppressFunc = func(k, old, new string, d *schema.ResourceData) bool {
		if suppressJSON != nil && suppressJSON(k, old, new, d) {
			return true
		}
		if d.Id() == "" {
			return false
		}
		before, errBefore := jsonObject(old)
		after, errAfter := jsonObject(new)
		return errBefore == nil && errAfter == nil && reflect.DeepEqual(withoutClassic(before), withoutClassic(after))
	}
}

// withoutClassic is an arguments map without an `x-queue-type` of classic (nil and empty alike).
func withoutClassic(v interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	if m, ok := v.(map[string]interface{}); ok {
		for k, val := range m {
			if k == "x-queue-type" && val == "classic" {
				continue
			}
			out[k] = val
		}
	}
	return out
}

func jsonObject(text string) (map[string]interface{}, error) {
	out := map[string]interface{}{}
	if text == "" {
		return out, nil
	}
	err := json.Unmarshal([]byte(text), &out)
	return out, err
}
