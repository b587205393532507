// The Pulumi Kubernetes resource provider, exactly as upstream's
// cmd/pulumi-resource-kubernetes/main.go serves it: the provider package plus the
// schema and Terraform mapping that ship with the module. The build script writes
// schema-embed.json (the module's schema.json with "version" set, as upstream's
// generate.go does) and terraform-mapping-embed.json next to this file; they are
// build outputs, not sources.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
