// Pulumi's mocks for the unit tests of the Pulumi layer, and one way of
// recording what a component registers: what the mock engine receives for each
// resource (type, name, inputs, provider reference), and its options, which
// the mocks never see: a transformation records them, given to the component
// under test as `recorded` (children inherit transformations).
import * as pulumi from '@pulumi/pulumi';

export interface Registration {
  readonly type: string;
  readonly name: string;
  /** As the mocks receive them (Pulumi leaves them untyped); the assertions read them by path. */
  readonly inputs: pulumi.runtime.MockResourceArgs['inputs'];
  /** `urn::id` of the provider the engine would use, when one was given or inherited. */
  readonly provider?: string;
}

export interface Recorder {
  readonly registered: Registration[];
  /** Each resource's options, by resource name. */
  readonly options: Map<string, pulumi.CustomResourceOptions>;
  /** The component options that record its children's options. */
  readonly recorded: pulumi.ComponentResourceOptions;
}

/**
 * Sets the mocks (before any resource is constructed: describe bodies run at
 * collection). `outputs` adds what a provider's create would return besides the inputs.
 */
export async function mockPulumi(
  outputs: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> = () => ({}),
): Promise<Recorder> {
  const registered: Registration[] = [];
  const options = new Map<string, pulumi.CustomResourceOptions>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        const state: Record<string, unknown> = { ...args.inputs, ...outputs(args) };
        // The engine makes additionalSecretOutputs secret; the mocks would not.
        for (const key of options.get(args.name)?.additionalSecretOutputs ?? [])
          if (key in state && !isSecretValue(state[key])) state[key] = pulumi.secret(state[key]);
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    'warren',
    'test',
    false,
  );
  const record: pulumi.ResourceTransformation = ({ name, opts }) => {
    options.set(name, opts);
    return undefined;
  };
  return { registered, options, recorded: { transformations: [record] } };
}

/** Inputs that were secrets reach the mocks still wrapped (and are returned so). */
const isSecretValue = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

export const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
export const isSecret = <T>(o: pulumi.Output<T>) => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
