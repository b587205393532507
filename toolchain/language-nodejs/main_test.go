// Tests of what the Pulumi engine asks of the language host: the plugins a
// program needs, running it with the Node.js SDK's runner, the runner's exit
// codes, and a program below the project's root directory (Pulumi.yaml `main:`).
//
// The host is served over gRPC as main() serves it (rpcutil) and called through
// a real client, like the engine does. The runner is a small Node.js script at
// node_modules/@pulumi/pulumi/cmd/run/index.js that records its arguments,
// environment and working directory, then exits with a chosen code.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// runAsMain makes the test binary run main() instead of the tests, so that a
// test can start the host as the engine does (a child process).
const runAsMain = "WARREN_LANGHOST_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// ---------------------------------------------------------------------------
// helpers

// tempDir is t.TempDir() with symbolic links resolved, so that it compares
// equal to what node reports as its working directory.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writePackage writes node_modules/<...>/package.json under dir.
func writePackage(t *testing.T, dir string, pkg map[string]any) {
	t.Helper()
	data, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "package.json"), string(data))
}

// serve starts host on a loopback port as main() does (serveHost) and returns a
// client connected to it, as the engine would be.
func serve(t *testing.T, host *languageHost) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	cancel := make(chan bool)
	handle, err := serveHost(host, cancel)
	if err != nil {
		t.Fatal(err)
	}
	return dial(t, handle.Port, func() {
		close(cancel)
		<-handle.Done
	})
}

func dial(t *testing.T, port int, stop func()) pulumirpc.LanguageRuntimeClient {
	t.Helper()
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		stop()
	})
	return pulumirpc.NewLanguageRuntimeClient(conn)
}

func callCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// programInfo is what the engine sends (plugin.ProgramInfo.Marshal): absolute
// root and program directories, an entry point, the runtime options.
func programInfo(t *testing.T, root, programDir, entry string, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	opts, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{
		RootDirectory: root, ProgramDirectory: programDir, EntryPoint: entry, Options: opts,
	}
}

// fakeRunnerJS stands in for @pulumi/pulumi/cmd/run: it records what it was
// given in received.json beside itself, reads PULUMI_CONFIG as the SDK's
// runtime/config.js does (Object.keys of the parsed JSON), writes STDERR to
// its standard error and exits with CODE.
const fakeRunnerJS = `'use strict';
const fs = require('fs');
const path = require('path');
const env = {};
for (const k of Object.keys(process.env)) {
  if (k.startsWith('PULUMI_CONFIG') || k.startsWith('PULUMI_NODEJS_')) env[k] = process.env[k];
}
fs.writeFileSync(path.join(__dirname, 'received.json'), JSON.stringify({
  argv: process.argv.slice(1),
  execArgv: process.execArgv,
  cwd: process.cwd(),
  env,
}));
if (process.env.PULUMI_CONFIG) Object.keys(JSON.parse(process.env.PULUMI_CONFIG));
process.stderr.write(STDERR);
process.exit(CODE);
`

// writeRunner puts the fake runner into dir/node_modules/@pulumi/pulumi/cmd/run
// and returns that directory (what the host passes to node).
func writeRunner(t *testing.T, dir string, code int, stderr string) string {
	t.Helper()
	runDir := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
	js := strings.NewReplacer("STDERR", strconv.Quote(stderr), "CODE", strconv.Itoa(code)).Replace(fakeRunnerJS)
	writeFile(t, filepath.Join(runDir, "index.js"), js)
	writePackage(t, filepath.Join(dir, "node_modules", "@pulumi", "pulumi"),
		map[string]any{"name": "@pulumi/pulumi", "version": "3.100.0"})
	return runDir
}

type received struct {
	Argv     []string          `json:"argv"`
	ExecArgv []string          `json:"execArgv"`
	Cwd      string            `json:"cwd"`
	Env      map[string]string `json:"env"`
}

func readReceived(t *testing.T, runDir string) received {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(runDir, "received.json"))
	if err != nil {
		t.Fatalf("the runner did not run: %v", err)
	}
	var r received
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func run(t *testing.T, client pulumirpc.LanguageRuntimeClient, req *pulumirpc.RunRequest) *pulumirpc.RunResponse {
	t.Helper()
	resp, err := client.Run(callCtx(t), req)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return resp
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

// ---------------------------------------------------------------------------
// required plugins and packages

// nodeModulesFixture lays out a node_modules tree with resource packages
// (scoped, unscoped, nested, duplicated, in two versions) and packages that
// declare no plugin, and returns the plugins it declares, as name@version,
// kind and server, in the host's order (sorted by name@version).
func nodeModulesFixture(t *testing.T, dir string) []string {
	t.Helper()
	nm := filepath.Join(dir, "node_modules")
	// The "pulumi" section names the plugin and its version.
	writePackage(t, filepath.Join(nm, "@pulumi", "rabbitmq"), map[string]any{
		"name": "@pulumi/rabbitmq", "version": "3.3.9",
		"pulumi": map[string]any{"resource": true, "name": "rabbitmq", "version": "3.3.9"},
	})
	// A plugin server is passed on.
	writePackage(t, filepath.Join(nm, "@pulumi", "kubernetes"), map[string]any{
		"name": "@pulumi/kubernetes", "version": "4.10.0",
		"pulumi": map[string]any{
			"resource": true, "name": "kubernetes", "version": "4.10.0", "server": "https://plugins.invalid/k8s",
		},
	})
	// Nested in a scoped package; name and version from the package itself.
	writePackage(t, filepath.Join(nm, "@pulumi", "kubernetes", "node_modules", "@pulumi", "random"), map[string]any{
		"name": "@pulumi/random", "version": "4.16.0", "pulumi": map[string]any{"resource": true},
	})
	// Another scope: the plugin name drops the leading "@" (as upstream).
	writePackage(t, filepath.Join(nm, "@acme", "widgets"), map[string]any{
		"name": "@acme/widgets", "version": "1.2.0", "pulumi": map[string]any{"resource": true},
	})
	// Nested in that one: another version of rabbitmq, listed as well.
	writePackage(t, filepath.Join(nm, "@acme", "widgets", "node_modules", "@pulumi", "rabbitmq"), map[string]any{
		"name": "@pulumi/rabbitmq", "version": "3.3.7",
		"pulumi": map[string]any{"resource": true, "name": "rabbitmq", "version": "3.3.7"},
	})
	// Nested in an unscoped package; a version that already starts with "v".
	writePackage(t, filepath.Join(nm, "left-pad"), map[string]any{"name": "left-pad", "version": "1.3.0"})
	writePackage(t, filepath.Join(nm, "left-pad", "node_modules", "tls-provider"), map[string]any{
		"name": "tls-provider", "version": "0.0.1", "pulumi": map[string]any{"resource": true, "name": "tls", "version": "v5.0.1"},
	})
	// The same plugin and version twice: listed once.
	writePackage(t, filepath.Join(nm, "left-pad", "node_modules", "@pulumi", "rabbitmq"), map[string]any{
		"name": "@pulumi/rabbitmq", "version": "3.3.9",
		"pulumi": map[string]any{"resource": true, "name": "rabbitmq", "version": "3.3.9"},
	})
	// Not plugins: the SDK itself, resource false, no version at all, broken
	// JSON, no package.json, hidden directories.
	writePackage(t, filepath.Join(nm, "@pulumi", "pulumi"), map[string]any{"name": "@pulumi/pulumi", "version": "3.100.0"})
	writePackage(t, filepath.Join(nm, "not-a-provider"), map[string]any{
		"name": "not-a-provider", "version": "2.0.0", "pulumi": map[string]any{"resource": false, "name": "nope"},
	})
	writePackage(t, filepath.Join(nm, "versionless"), map[string]any{
		"name": "versionless", "pulumi": map[string]any{"resource": true},
	})
	writeFile(t, filepath.Join(nm, "broken", "package.json"), `{"name": "broken", "pulumi": {"resource": true`)
	writeFile(t, filepath.Join(nm, "no-manifest", "index.js"), "")
	writePackage(t, filepath.Join(nm, ".bin", "hidden"), map[string]any{
		"name": "hidden", "version": "1.0.0", "pulumi": map[string]any{"resource": true},
	})
	return []string{
		"acme/widgets@v1.2.0 resource",
		"kubernetes@v4.10.0 resource https://plugins.invalid/k8s",
		"rabbitmq@v3.3.7 resource",
		"rabbitmq@v3.3.9 resource",
		"random@v4.16.0 resource",
		"tls@v5.0.1 resource",
	}
}

func describe(name, version, kind, server string) string {
	return strings.TrimSpace(fmt.Sprintf("%s@%s %s %s", name, version, kind, server))
}

func requiredPlugins(t *testing.T, client pulumirpc.LanguageRuntimeClient, info *pulumirpc.ProgramInfo) []string {
	t.Helper()
	resp, err := client.GetRequiredPlugins(callCtx(t), &pulumirpc.GetRequiredPluginsRequest{Info: info})
	if err != nil {
		t.Fatalf("GetRequiredPlugins: %v", err)
	}
	got := []string{}
	for _, p := range resp.GetPlugins() {
		got = append(got, describe(p.GetName(), p.GetVersion(), p.GetKind(), p.GetServer()))
	}
	return got
}

func TestGetRequiredPlugins(t *testing.T) {
	dir := tempDir(t)
	want := nodeModulesFixture(t, dir)
	client := serve(t, &languageHost{})
	got := requiredPlugins(t, client, programInfo(t, dir, dir, ".", nil))
	mustEqual(t, "plugins", got, want)
}

func TestGetRequiredPackages(t *testing.T) {
	dir := tempDir(t)
	want := nodeModulesFixture(t, dir)
	client := serve(t, &languageHost{})
	resp, err := client.GetRequiredPackages(callCtx(t),
		&pulumirpc.GetRequiredPackagesRequest{Info: programInfo(t, dir, dir, ".", nil)})
	if err != nil {
		t.Fatalf("GetRequiredPackages: %v", err)
	}
	got := []string{}
	for _, p := range resp.GetPackages() {
		if p.GetParameterization() != nil {
			t.Errorf("%s: unexpected parameterization %v", p.GetName(), p.GetParameterization())
		}
		got = append(got, describe(p.GetName(), p.GetVersion(), p.GetKind(), p.GetServer()))
	}
	mustEqual(t, "packages", got, want)
}

// The program may sit below the project's root (Pulumi.yaml `main:`): the
// plugins come from the nearest node_modules at or above the program directory.
func TestRequiredPluginsFromProgramBelowRoot(t *testing.T) {
	root := tempDir(t)
	want := nodeModulesFixture(t, root)
	program := filepath.Join(root, "dist", "src", "pulumi")
	writeFile(t, filepath.Join(program, "index.js"), "")
	client := serve(t, &languageHost{})
	mustEqual(t, "plugins of root/node_modules", requiredPlugins(t, client, programInfo(t, root, program, ".", nil)), want)

	// A node_modules of the program's own shadows the root's.
	writePackage(t, filepath.Join(root, "dist", "node_modules", "@pulumi", "rabbitmq"), map[string]any{
		"name": "@pulumi/rabbitmq", "version": "3.3.1",
		"pulumi": map[string]any{"resource": true, "name": "rabbitmq", "version": "3.3.1"},
	})
	mustEqual(t, "plugins of dist/node_modules", requiredPlugins(t, client, programInfo(t, root, program, ".", nil)),
		[]string{"rabbitmq@v3.3.1 resource"})

	// No node_modules anywhere: no plugins, no error.
	empty := tempDir(t)
	mustEqual(t, "plugins without node_modules", requiredPlugins(t, client, programInfo(t, empty, empty, ".", nil)),
		[]string{})
}

// ---------------------------------------------------------------------------
// run

// A full engine request: every field is passed to the runner as the SDK's
// cmd/run expects it, the configuration in PULUMI_CONFIG, TypeScript on by
// default, the engine address from the handshake.
func TestRunPassesTheEngineRequest(t *testing.T) {
	dir := tempDir(t)
	runDir := writeRunner(t, dir, 0, "")
	writeFile(t, filepath.Join(dir, "index.ts"), "")
	client := serve(t, &languageHost{})
	if _, err := client.Handshake(callCtx(t), &pulumirpc.LanguageHandshakeRequest{
		EngineAddress: "127.0.0.1:40001", RootDirectory: &dir, ProgramDirectory: &dir,
	}); err != nil {
		t.Fatalf("Handshake: %v", err)
	}
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress:   "127.0.0.1:40002",
		Pwd:              dir,
		Program:          ".",
		Args:             []string{"extra", "--flag"},
		Project:          "warren-e2e",
		Stack:            "dev",
		Config:           map[string]string{"warren:topology": "topology/", "rabbitmq:password": "s3cret"},
		ConfigSecretKeys: []string{"rabbitmq:password"},
		DryRun:           true,
		Parallel:         8,
		Organization:     "organization",
		Info:             programInfo(t, dir, dir, ".", nil),
	})
	mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()}, [2]any{"", false})

	got := readReceived(t, runDir)
	mustEqual(t, "argv", got.Argv, []string{
		runDir,
		"--monitor", "127.0.0.1:40002",
		"--engine", "127.0.0.1:40001",
		"--organization", "organization",
		"--project", "warren-e2e",
		"--stack", "dev",
		"--pwd", dir,
		"--root-directory", dir,
		"--dry-run",
		"--parallel", "8",
		".", "extra", "--flag",
	})
	mustEqual(t, "node options", got.ExecArgv, []string{})
	mustEqual(t, "working directory", got.Cwd, dir)
	var config map[string]string
	if err := json.Unmarshal([]byte(got.Env["PULUMI_CONFIG"]), &config); err != nil {
		t.Fatalf("PULUMI_CONFIG %q: %v", got.Env["PULUMI_CONFIG"], err)
	}
	mustEqual(t, "PULUMI_CONFIG", config, map[string]string{"warren:topology": "topology/", "rabbitmq:password": "s3cret"})
	mustEqual(t, "PULUMI_CONFIG_SECRET_KEYS", got.Env["PULUMI_CONFIG_SECRET_KEYS"], `["rabbitmq:password"]`)
	mustEqual(t, "PULUMI_NODEJS_TYPESCRIPT", got.Env["PULUMI_NODEJS_TYPESCRIPT"], "true")
	if v, ok := got.Env["PULUMI_NODEJS_TSCONFIG_PATH"]; ok {
		t.Errorf("PULUMI_NODEJS_TSCONFIG_PATH set to %q without a tsconfig option", v)
	}
}

// A stack without configuration: the engine sends no config map, and the
// SDK must still get a JSON object (it runs Object.keys on it); optional
// flags are left out.
func TestRunWithoutConfig(t *testing.T) {
	dir := tempDir(t)
	runDir := writeRunner(t, dir, 0, "")
	client := serve(t, &languageHost{})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Program: ".", Project: "p", Stack: "s",
		Info: programInfo(t, dir, dir, ".", nil),
	})
	mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()}, [2]any{"", false})
	got := readReceived(t, runDir)
	mustEqual(t, "PULUMI_CONFIG", got.Env["PULUMI_CONFIG"], "{}")
	mustEqual(t, "PULUMI_CONFIG_SECRET_KEYS", got.Env["PULUMI_CONFIG_SECRET_KEYS"], "[]")
	mustEqual(t, "argv", got.Argv, []string{
		runDir, "--monitor", "127.0.0.1:40002", "--project", "p", "--stack", "s", "--pwd", dir, "--root-directory", dir, ".",
	})
}

// The Pulumi.yaml runtime options typescript, tsconfig and nodeargs.
func TestRunRuntimeOptions(t *testing.T) {
	cases := []struct {
		name       string
		options    map[string]any
		typescript string
		tsconfig   string
		execArgv   []string
	}{
		{name: "no options", options: nil, typescript: "true", execArgv: []string{}},
		{name: "typescript true", options: map[string]any{"typescript": true}, typescript: "true", execArgv: []string{}},
		{name: "typescript false", options: map[string]any{"typescript": false}, typescript: "false", execArgv: []string{}},
		{name: "typescript as a string", options: map[string]any{"typescript": "false"}, typescript: "false", execArgv: []string{}},
		{
			name:       "tsconfig and nodeargs",
			options:    map[string]any{"tsconfig": "tsconfig.pulumi.json", "nodeargs": "--no-warnings  --max-old-space-size=256"},
			typescript: "true", tsconfig: "tsconfig.pulumi.json",
			execArgv: []string{"--no-warnings", "--max-old-space-size=256"},
		},
	}
	client := serve(t, &languageHost{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := tempDir(t)
			runDir := writeRunner(t, dir, 0, "")
			resp := run(t, client, &pulumirpc.RunRequest{
				MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s",
				Info: programInfo(t, dir, dir, ".", c.options),
			})
			mustEqual(t, "error", resp.GetError(), "")
			got := readReceived(t, runDir)
			mustEqual(t, "PULUMI_NODEJS_TYPESCRIPT", got.Env["PULUMI_NODEJS_TYPESCRIPT"], c.typescript)
			mustEqual(t, "PULUMI_NODEJS_TSCONFIG_PATH", got.Env["PULUMI_NODEJS_TSCONFIG_PATH"], c.tsconfig)
			mustEqual(t, "node options", got.ExecArgv, c.execArgv)
			mustEqual(t, "runner", got.Argv[0], runDir)
		})
	}
}

// ---------------------------------------------------------------------------
// errors

// Exit code 32: the SDK has already reported the error through the engine,
// so the host says bail (the engine then prints nothing more).
func TestRunExitCode32Bails(t *testing.T) {
	dir := tempDir(t)
	runDir := writeRunner(t, dir, 32, "already reported\n")
	client := serve(t, &languageHost{})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s", Info: programInfo(t, dir, dir, ".", nil),
	})
	readReceived(t, runDir)
	mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()}, [2]any{"", true})
}

// Any other exit code is an error with that code; what the program wrote to
// its standard error goes to the host's (the engine shows it).
func TestRunNonZeroExitIsAnError(t *testing.T) {
	for _, code := range []int{1, 2} {
		t.Run("exit "+strconv.Itoa(code), func(t *testing.T) {
			dir := tempDir(t)
			message := fmt.Sprintf("TypeError: topology is not iterable (%d)\n", code)
			runDir := writeRunner(t, dir, code, message)
			client := serve(t, &languageHost{})

			stderr, err := os.Create(filepath.Join(tempDir(t), "stderr"))
			if err != nil {
				t.Fatal(err)
			}
			saved := os.Stderr
			os.Stderr = stderr
			resp, runErr := client.Run(callCtx(t), &pulumirpc.RunRequest{
				MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s", Info: programInfo(t, dir, dir, ".", nil),
			})
			os.Stderr = saved
			_ = stderr.Close()
			if runErr != nil {
				t.Fatalf("Run: %v", runErr)
			}
			readReceived(t, runDir)
			mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()},
				[2]any{fmt.Sprintf("Program exited with non-zero exit code: %d", code), false})
			written, err := os.ReadFile(stderr.Name())
			if err != nil {
				t.Fatal(err)
			}
			mustEqual(t, "the host's standard error", string(written), message)
		})
	}
}

func TestRunWithoutNode(t *testing.T) {
	dir := tempDir(t)
	writeRunner(t, dir, 0, "")
	t.Setenv("PATH", tempDir(t))
	client := serve(t, &languageHost{})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s", Info: programInfo(t, dir, dir, ".", nil),
	})
	if !strings.HasPrefix(resp.GetError(), "could not find node on the PATH: ") || resp.GetBail() {
		t.Errorf("got error %q, bail %v; want \"could not find node on the PATH: ...\"", resp.GetError(), resp.GetBail())
	}
}

func TestRunWithoutPulumiSDK(t *testing.T) {
	dir := tempDir(t)
	writeFile(t, filepath.Join(dir, "index.js"), "")
	client := serve(t, &languageHost{})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s", Info: programInfo(t, dir, dir, ".", nil),
	})
	want := "could not find @pulumi/pulumi in node_modules above " + dir + ": run `npm install` in the project first"
	mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()}, [2]any{want, false})
}

// A program directory that is gone (e.g. `main: dist/src/pulumi/` before the
// build) is named, even when the SDK is found above it.
func TestRunMissingProgramDirectory(t *testing.T) {
	root := tempDir(t)
	runDir := writeRunner(t, root, 0, "")
	program := filepath.Join(root, "dist", "src", "pulumi")
	client := serve(t, &languageHost{})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: program, Project: "p", Stack: "s",
		Info: programInfo(t, root, program, ".", nil),
	})
	want := "the program's directory " + program + " does not exist"
	mustEqual(t, "response", [2]any{resp.GetError(), resp.GetBail()}, [2]any{want, false})
	if _, err := os.Stat(filepath.Join(runDir, "received.json")); err == nil {
		t.Error("the runner ran")
	}
}

// ---------------------------------------------------------------------------
// the root directory

// Pulumi.yaml at the root with `main: dist/src/pulumi/`: the engine
// (pkg/engine/project.go getPwdMain) sends the root, the program directory
// root/dist/src/pulumi and entry point "."; with `main: dist/index.js` the
// program directory root/dist and entry point "index.js". The runner comes from
// the root's node_modules, runs in the program directory, and gets both.
func TestRunProgramBelowRootDirectory(t *testing.T) {
	cases := []struct {
		name, main, programDir, entry string
	}{
		{name: "main is a directory", main: "dist/src/pulumi/", programDir: "dist/src/pulumi", entry: "."},
		{name: "main is a file", main: "dist/index.js", programDir: "dist", entry: "index.js"},
	}
	client := serve(t, &languageHost{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := tempDir(t)
			runDir := writeRunner(t, root, 0, "")
			writeFile(t, filepath.Join(root, "Pulumi.yaml"), "name: warren\nruntime: nodejs\nmain: "+c.main+"\n")
			program := filepath.Join(root, filepath.FromSlash(c.programDir))
			writeFile(t, filepath.Join(program, "index.js"), "")
			resp := run(t, client, &pulumirpc.RunRequest{
				MonitorAddress: "127.0.0.1:40002", Pwd: program, Program: c.entry, Project: "warren", Stack: "local",
				Info: programInfo(t, root, program, c.entry, map[string]any{"typescript": false}),
			})
			mustEqual(t, "error", resp.GetError(), "")
			got := readReceived(t, runDir)
			mustEqual(t, "argv", got.Argv, []string{
				runDir, "--monitor", "127.0.0.1:40002", "--project", "warren", "--stack", "local",
				"--pwd", program, "--root-directory", root, c.entry,
			})
			mustEqual(t, "working directory", got.Cwd, program)
			mustEqual(t, "PULUMI_NODEJS_TYPESCRIPT", got.Env["PULUMI_NODEJS_TYPESCRIPT"], "false")
		})
	}
}

// An engine that sends no ProgramInfo: the program directory is the request's
// working directory and the entry point its program; no --root-directory.
func TestRunWithoutProgramInfo(t *testing.T) {
	dir := tempDir(t)
	runDir := writeRunner(t, dir, 0, "")
	client := serve(t, &languageHost{engineAddress: "127.0.0.1:40001"})
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Program: "main.js", Project: "p", Stack: "s",
	})
	mustEqual(t, "error", resp.GetError(), "")
	got := readReceived(t, runDir)
	mustEqual(t, "argv", got.Argv, []string{
		runDir, "--monitor", "127.0.0.1:40002", "--engine", "127.0.0.1:40001",
		"--project", "p", "--stack", "s", "--pwd", dir, "main.js",
	})
	mustEqual(t, "working directory", got.Cwd, dir)
}

// ---------------------------------------------------------------------------
// the process

// The engine starts the host with its flags and its own address, reads the
// port from the first line of standard output and connects; the address from
// the command line is the runner's --engine.
func TestServesOnThePrintedPort(t *testing.T) {
	cmd := exec.Command(os.Args[0], "--logtostderr", "-v=9", "127.0.0.1:40009")
	cmd.Env = append(os.Environ(), runAsMain+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		t.Fatalf("reading the port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port <= 0 {
		stop()
		t.Fatalf("first line %q is not a port", line)
	}
	client := dial(t, port, stop)

	info, err := client.GetPluginInfo(callCtx(t), &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetPluginInfo: %v", err)
	}
	mustEqual(t, "version", info.GetVersion(), Version)

	dir := tempDir(t)
	runDir := writeRunner(t, dir, 0, "")
	resp := run(t, client, &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:40002", Pwd: dir, Project: "p", Stack: "s", Info: programInfo(t, dir, dir, ".", nil),
	})
	mustEqual(t, "error", resp.GetError(), "")
	mustEqual(t, "argv", readReceived(t, runDir).Argv[:5],
		[]string{runDir, "--monitor", "127.0.0.1:40002", "--engine", "127.0.0.1:40009"})
}

func TestVersionFlag(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-version")
	cmd.Env = append(os.Environ(), runAsMain+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("-version: %v", err)
	}
	mustEqual(t, "output", string(out), Version+"\n")
}
