//go:build tools

// Package tools records the CLI's main package as a dependency of this wrapper
// module so that `go mod tidy` keeps every module it needs. The binary itself is
// built with `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
