// Command pulumi-language-nodejs is a minimal Node.js language host for the
// Pulumi CLI, written for warren's offline toolchain: the upstream language host
// module cannot be fetched from the Go module proxy available here.
//
// It implements what `pulumi up/preview/destroy/refresh` need from a language
// host: it reports the resource plugins required by the packages in
// node_modules, and runs the program with the Node.js SDK's own runner
// (node_modules/@pulumi/pulumi/cmd/run), which does the real work. Code
// generation, templates, policy packs and plugin hosting are not supported.
//
// Supported Pulumi.yaml runtime options: typescript (bool, default true),
// tsconfig (string), nodeargs (string).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Version is set at link time (-X main.Version=...).
var Version = "0.0.0-dev"

// exitCodeAlreadyReported is the exit code the Node.js SDK's runner uses after
// it has already reported a user-actionable error through the engine.
const exitCodeAlreadyReported = 32

func main() {
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	// Flags the engine may pass to every plugin; accepted and ignored.
	flags.String("tracing", "", "tracing endpoint (ignored)")
	flags.String("root", "", "project root (ignored)")
	flags.Int("v", 0, "log verbosity (ignored)")
	flags.Bool("logtostderr", false, "log to stderr (ignored)")
	flags.Bool("logflow", false, "propagate log settings (ignored)")
	flags.String("binary", "", "unsupported")
	flags.Bool("typescript", true, "default for the typescript runtime option")
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println(Version)
		return
	}
	engineAddress := ""
	if flags.NArg() > 0 {
		engineAddress = flags.Arg(0)
	}

	handle, err := serveHost(&languageHost{engineAddress: engineAddress}, make(chan bool))
	if err != nil {
		fmt.Fprintf(os.Stderr, "fatal: could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "fatal: language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

// serveHost serves host's LanguageRuntime on a loopback port until cancel is closed.
func serveHost(host *languageHost, cancel chan bool) (rpcutil.ServeHandle, error) {
	return rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *languageHost) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// pulumiPackage is the "pulumi" section of a package.json.
type pulumiPackage struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

// requiredPackages lists the resource plugins declared by packages in the
// nearest node_modules directory at or above programDir, walking nested
// node_modules too.
func requiredPackages(programDir string) ([]*pulumirpc.PackageDependency, error) {
	found := map[string]*pulumirpc.PackageDependency{}
	var visit func(nodeModules string, depth int) error
	visit = func(nodeModules string, depth int) error {
		if depth > 8 {
			return nil
		}
		entries, err := os.ReadDir(nodeModules)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		var pkgDirs []string
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			full := filepath.Join(nodeModules, name)
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(full)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(full, s.Name()))
				}
				continue
			}
			pkgDirs = append(pkgDirs, full)
		}
		for _, dir := range pkgDirs {
			data, err := os.ReadFile(filepath.Join(dir, "package.json"))
			if err != nil {
				continue
			}
			var pj struct {
				Name    string         `json:"name"`
				Version string         `json:"version"`
				Pulumi  *pulumiPackage `json:"pulumi"`
			}
			if json.Unmarshal(data, &pj) != nil {
				continue
			}
			if dep := resourcePlugin(pj.Name, pj.Version, pj.Pulumi); dep != nil {
				key := dep.Name + "@" + dep.Version
				if _, dup := found[key]; !dup {
					found[key] = dep
				}
			}
			if err := visit(filepath.Join(dir, "node_modules"), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for dir := programDir; ; dir = filepath.Dir(dir) {
		nm := filepath.Join(dir, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			if err := visit(nm, 0); err != nil {
				return nil, err
			}
			break
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	deps := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, k := range keys {
		deps = append(deps, found[k])
	}
	return deps, nil
}

// resourcePlugin is the resource plugin a package.json declares, named and
// versioned as upstream's language host does: the "pulumi" section's name and
// version, else the package's own name (without "@pulumi/", or without the
// leading "@" of another scope) and version, with a leading "v". A package
// without any version declares nothing (the engine could not parse "v").
func resourcePlugin(pkgName, pkgVersion string, p *pulumiPackage) *pulumirpc.PackageDependency {
	if p == nil || !p.Resource {
		return nil
	}
	name := p.Name
	if name == "" {
		name = strings.TrimPrefix(strings.TrimPrefix(pkgName, "@pulumi/"), "@")
	}
	version := p.Version
	if version == "" {
		version = pkgVersion
	}
	if name == "" || version == "" {
		return nil
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return &pulumirpc.PackageDependency{Kind: "resource", Name: name, Version: version, Server: p.Server}
}

func programDirOf(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := requiredPackages(programDirOf(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

func (h *languageHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := requiredPackages(programDirOf(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(deps))
	for _, d := range deps {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: d.Name, Kind: d.Kind, Version: d.Version, Server: d.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// runtimeOptions reads the Pulumi.yaml runtime options the host supports.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOptions(info *pulumirpc.ProgramInfo) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return opts
	}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"]; ok {
		switch t := v.(type) {
		case bool:
			opts.typescript = t
		case string:
			if b, err := strconv.ParseBool(t); err == nil {
				opts.typescript = b
			}
		}
	}
	if v, ok := m["tsconfig"].(string); ok {
		opts.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		opts.nodeargs = strings.Fields(v)
	}
	return opts
}

// checkDir says why dir cannot be the program's directory ("" if it can).
func checkDir(dir string) string {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("the program's directory %s does not exist", dir)
	case err != nil:
		return fmt.Sprintf("the program's directory %s cannot be used: %v", dir, err)
	case !st.IsDir():
		return fmt.Sprintf("the program's directory %s is not a directory", dir)
	}
	return ""
}

// findRunner locates @pulumi/pulumi/cmd/run from the program directory upwards.
func findRunner(programDir string) (string, error) {
	for dir := programDir; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run")
		if st, err := os.Stat(filepath.Join(candidate, "index.js")); err == nil && !st.IsDir() {
			return candidate, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			break
		}
	}
	return "", fmt.Errorf("could not find @pulumi/pulumi in node_modules above %s: "+
		"run `npm install` in the project first", programDir)
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := programDirOf(info, req.GetPwd())
	pwd := req.GetPwd()
	if pwd == "" {
		pwd = programDir
	}
	entry := req.GetProgram()
	if info != nil && info.GetEntryPoint() != "" {
		entry = info.GetEntryPoint()
	}
	if entry == "" {
		entry = "."
	}
	opts := parseOptions(info)

	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH: " + err.Error()}, nil
	}
	for _, dir := range []string{programDir, pwd} {
		if msg := checkDir(dir); msg != "" {
			return &pulumirpc.RunResponse{Error: msg}, nil
		}
	}
	runner, err := findRunner(programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runner, "--monitor", req.GetMonitorAddress())
	if e := h.engine(); e != "" {
		args = append(args, "--engine", e)
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization", req.GetOrganization())
	}
	args = append(args, "--project", req.GetProject(), "--stack", req.GetStack(), "--pwd", pwd)
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel", strconv.Itoa(int(req.GetParallel())))
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	// The SDK reads PULUMI_CONFIG as a JSON object: an engine request without
	// configuration (a stack with none) must give {}, not null.
	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = pwd
	cmd.Env = env
	cmd.Stdin = nil
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// InstallDependencies runs `npm install` in the requested directory.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetDirectory()
	if dir == "" {
		dir = programDirOf(req.GetInfo(), "")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("could not find npm on the PATH: %w", err)
	}
	cmd := exec.CommandContext(server.Context(), npm, "install")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if sendErr := server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: out}); sendErr != nil {
		return sendErr
	}
	if err != nil {
		return fmt.Errorf("npm install failed in %s: %w", dir, err)
	}
	return nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *languageHost) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}
