// Command pulumi-tfgen-rabbitmq writes the provider's Pulumi schema (JSON) to
// the file named by its only argument. install-toolchain.sh runs it before
// building pulumi-resource-rabbitmq, which embeds that file.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"

	"warren.local/toolchain/rabbitmq-provider/rabbitmqinfo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-tfgen-rabbitmq <schema.json>")
		os.Exit(2)
	}
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	res, err := tfgen.GenerateSchemaWithOptions(tfgen.GenerateSchemaOptions{
		ProviderInfo:    rabbitmqinfo.Provider(),
		DiagnosticsSink: sink,
		XInMemoryDocs:   true,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "generating schema:", err)
		os.Exit(1)
	}
	out, err := json.MarshalIndent(res.PackageSpec, "", "    ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "encoding schema:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], append(out, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
