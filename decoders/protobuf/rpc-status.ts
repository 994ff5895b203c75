/**
 * google.rpc.Status and the standard error details (google/rpc/status.proto and
 * error_details.proto), used to decode gRPC's `grpc-status-details-bin` trailer when the
 * workspace does not provide those files.
 */
import * as protobuf from 'protobufjs';

const s = (id: number, type = 'string', rule?: string) => (rule ? { id, type, rule } : { id, type });

const RPC_JSON = {
  nested: {
    google: {
      nested: {
        rpc: {
          nested: {
            Status: { fields: { code: s(1, 'int32'), message: s(2), details: s(3, 'google.protobuf.Any', 'repeated') } },
            ErrorInfo: { fields: { reason: s(1), domain: s(2), metadata: { id: 3, keyType: 'string', type: 'string' } } },
            RetryInfo: { fields: { retry_delay: s(1, 'google.protobuf.Duration') } },
            DebugInfo: { fields: { stack_entries: s(1, 'string', 'repeated'), detail: s(2) } },
            QuotaFailure: {
              fields: { violations: s(1, 'Violation', 'repeated') },
              nested: { Violation: { fields: { subject: s(1), description: s(2) } } },
            },
            PreconditionFailure: {
              fields: { violations: s(1, 'Violation', 'repeated') },
              nested: { Violation: { fields: { type: s(1), subject: s(2), description: s(3) } } },
            },
            BadRequest: {
              fields: { field_violations: s(1, 'FieldViolation', 'repeated') },
              nested: { FieldViolation: { fields: { field: s(1), description: s(2) } } },
            },
            RequestInfo: { fields: { request_id: s(1), serving_data: s(2) } },
            ResourceInfo: { fields: { resource_type: s(1), resource_name: s(2), owner: s(3), description: s(4) } },
            Help: { fields: { links: s(1, 'Link', 'repeated') }, nested: { Link: { fields: { description: s(1), url: s(2) } } } },
            LocalizedMessage: { fields: { locale: s(1), message: s(2) } },
          },
        },
      },
    },
  },
};

let rpcRoot: protobuf.Root | undefined;

/** A root holding google.rpc.* and the google/protobuf well-known types they use. */
export function rpcStatusTypes(): protobuf.Root {
  if (!rpcRoot) {
    const root = new protobuf.Root();
    for (const name of ['google/protobuf/any.proto', 'google/protobuf/duration.proto']) {
      const json = protobuf.common.get(name);
      if (json) root.addJSON((json as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
    }
    root.addJSON(RPC_JSON.nested as unknown as Record<string, protobuf.AnyNestedObject>);
    root.resolveAll();
    rpcRoot = root;
  }
  return rpcRoot;
}
