// Every warren stack has dynamic resources (the guard at least), and the engine
// starts their host, a second Node process that loads @pulumi/pulumi, only when
// the first of them is registered: after the program has loaded and planned.
// The engine starts a package's default provider for an invoke as well, and an
// invoke needs no plan, so the program's first statements send one. The host
// then starts while the program still loads warren and plans, instead of
// after. The host answers "unknown function"; its start was the point. Nothing
// is registered and nothing enters the state (the default provider is the one
// the dynamic resources use anyway). Measured: README, "Benchmarks".
import * as pulumi from '@pulumi/pulumi';

/** The dynamic providers' package; the token's function name is never served. */
const WARM_TOKEN = 'pulumi-nodejs:dynamic:warm';

export function warmDynamicProviderHost(): void {
  pulumi.runtime.invoke(WARM_TOKEN, {}).catch(() => undefined);
}
