// The program behind scripts/k8s-cluster.sh (which only checks that the build
// exists and runs this). Exits explicitly: the components it started are
// detached and unreferenced, and nothing else may keep the process alive.
import { runClusterCommand } from './run-cluster-command.js';

process.exit(await runClusterCommand(process.argv.slice(2), process.env));
