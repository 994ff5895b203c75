/**
 * The standard gRPC services nearly every server registers, bundled so their calls decode with
 * field and enum names without the user's .proto files (like the google/protobuf well-known
 * types): grpc/health/v1/health.proto (Check, Watch: the health checks of load balancers and
 * Kubernetes probes) and grpc/reflection/v1alpha|v1/reflection.proto (grpcurl, Postman, Evans…;
 * the file descriptors it returns are learned: protobuf/learned.ts). Used only when the loaded
 * .proto files do not define the rpc themselves (rpcSchema says the order). Texts as in github.com/grpc/grpc-proto, without comments and options.
 */
import { buildProtoDefinitions, lookupMethod, rpcRef, type ProtoDefinitions, type ProtoMethodInfo } from './definitions';
import { LearnedSchemas } from './learned';
import type { CaptureScope } from '../core/decoder';
import type { Call } from '../core/model';

const HEALTH = `syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
message HealthListRequest {}
message HealthListResponse { map<string, HealthCheckResponse> statuses = 1; }
service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
  rpc List(HealthListRequest) returns (HealthListResponse);
  rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
}
`;

const reflection = (pkg: string) => `syntax = "proto3";
package ${pkg};
service ServerReflection {
  rpc ServerReflectionInfo(stream ServerReflectionRequest) returns (stream ServerReflectionResponse);
}
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    ExtensionRequest file_containing_extension = 5;
    string all_extension_numbers_of_type = 6;
    string list_services = 7;
  }
}
message ExtensionRequest { string containing_type = 1; int32 extension_number = 2; }
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ExtensionNumberResponse all_extension_numbers_response = 5;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ExtensionNumberResponse { string base_type_name = 1; repeated int32 extension_number = 2; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
`;

let bundled: ProtoDefinitions | undefined;

function standardDefinitions(): ProtoDefinitions {
  bundled ??= buildProtoDefinitions([
    { path: 'grpc/health/v1/health.proto', text: HEALTH },
    { path: 'grpc/reflection/v1alpha/reflection.proto', text: reflection('grpc.reflection.v1alpha') },
    { path: 'grpc/reflection/v1/reflection.proto', text: reflection('grpc.reflection.v1') },
  ]);
  return bundled;
}

/**
 * The bundled definition of a standard gRPC service's rpc (`/grpc.health.v1.Health/Check`…). The
 * bundled services are all in `grpc.*` packages: other paths do not build the definitions; the
 * rest is the definitions' own method lookup (no second list of the services here).
 */
export function standardGrpcMethod(path: string | undefined): { method: ProtoMethodInfo; defs: ProtoDefinitions } | undefined {
  if (!path || !path.startsWith('/grpc.')) return undefined;
  const defs = standardDefinitions();
  const method = defs.methods.get(path);
  return method && method.requestType ? { method, defs } : undefined;
}

/**
 * The schema of an rpc (`/pkg.Service/Method`), for gRPC and Connect alike, looked for in this
 * order: the loaded .proto files (a definition with an editor position), the bundled standard
 * services, the schemas the capture taught so far (server reflection answers).
 */
export interface RpcSchema {
  method?: ProtoMethodInfo;
  /** The definitions that hold its message types when they are not the loaded ones. */
  typeDefs?: ProtoDefinitions;
  from?: 'loaded' | 'standard' | 'reflection';
  /** The server reflection stream itself: its answers teach schemas (ReflectionAnswers). */
  reflectionStream?: boolean;
}

export function rpcSchema(defs: ProtoDefinitions | undefined, path: string | undefined, capture: CaptureScope | undefined): RpcSchema {
  const loaded = lookupMethod(defs, path);
  if (loaded) return { method: loaded, from: 'loaded' };
  const std = standardGrpcMethod(path);
  if (std) return { method: std.method, typeDefs: std.defs, from: 'standard', reflectionStream: std.method.name === 'ServerReflectionInfo' };
  const learned = LearnedSchemas.of(capture, false)?.lookup(path);
  if (learned) return { method: learned.method, typeDefs: learned.defs, from: 'reflection' };
  return {};
}

/**
 * What a gRPC, Connect or Twirp call says of its rpc's schema: a loaded rpc is its definition (the
 * editor's link), a learned one the field `protobuf.schema`, and none while .proto files are loaded
 * a warning (unless `warnMissing` is false: a path that names no rpc).
 */
export function noteRpcSchema(call: Call, schema: RpcSchema, defs: ProtoDefinitions | undefined, path: string, warnMissing = true): void {
  if (schema.method && schema.from === 'loaded') call.definition = rpcRef(schema.method);
  else if (schema.from === 'reflection') call.fields['protobuf.schema'] = 'reflection';
  else if (!schema.method && warnMissing && defs && defs.methods.size) {
    call.warnings.push(`rpc ${path} not found in the loaded .proto files: messages decoded without a schema`);
  }
}
