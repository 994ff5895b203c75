// The message the capture editor (`g d`, the Definition link) and the palette's Go to Definition
// show for a call with no definition (extension/definitions/no-definition.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { noDefinitionHelp, DEFINITIONS_SETTING, PROTO_SETTING } from '../../extension/definitions/no-definition';

describe('no definition: what was looked for and how to link one', () => {
  it('gRPC: the rpc path in a .proto file; the proto paths setting', () => {
    const h = noDefinitionHelp({ protocol: 'grpc', method: 'GetPerson', target: '/people.People/GetPerson' });
    assert.equal(h.message, `callscope: no definition found for /people.People/GetPerson. Looked for an rpc /people.People/GetPerson in a .proto file in the workspace and found none. To link it, put the .proto file in the workspace, or add its folder to the ${PROTO_SETTING} setting (import roots) or ${DEFINITIONS_SETTING}.`);
    assert.equal(h.setting, 'callscope.protoPaths');
  });
  it('gRPC decoded with a schema learned by server reflection: says so, and still how to link a file', () => {
    const h = noDefinitionHelp({ protocol: 'grpc', method: 'GetItem', target: '/inv.Inventory/GetItem', fields: { 'protobuf.schema': 'reflection' } });
    assert.match(h.message, /found none\. Its messages were decoded with the schema the server sent by gRPC server reflection earlier in this capture; .* To link it, put the \.proto file in the workspace/);
  });
  it('Connect: an rpc in a .proto file, not an OpenAPI operation', () => {
    const h = noDefinitionHelp({ protocol: 'connect', method: 'inv.Inventory/GetItem', target: '/inv.Inventory/GetItem', http: { method: 'POST', uri: '/inv.Inventory/GetItem' }, fields: { 'protobuf.schema': 'reflection' } });
    assert.match(h.message, /Looked for an rpc \/inv\.Inventory\/GetItem in a \.proto file .* sent by gRPC server reflection/);
    assert.equal(h.setting, PROTO_SETTING);
  });
  it('Twirp: the rpc its method names (not the route with its /twirp prefix), the proto paths setting', () => {
    const h = noDefinitionHelp({ protocol: 'twirp', method: 'inv.Inventory/GetItem', target: '/twirp/inv.Inventory/GetItem', http: { method: 'POST', uri: '/twirp/inv.Inventory/GetItem' } });
    assert.match(h.message, /^callscope: no definition found for \/twirp\/inv\.Inventory\/GetItem\. Looked for an rpc \/inv\.Inventory\/GetItem in a \.proto file in the workspace/);
    assert.equal(h.setting, PROTO_SETTING);
  });
  it('REST: the OpenAPI operation for the method and path', () => {
    const h = noDefinitionHelp({ protocol: 'http', method: 'GET', target: '/persons/7', http: { method: 'GET', uri: '/persons/7' } });
    assert.match(h.message, /^callscope: no definition found for GET \/persons\/7\. Looked for an OpenAPI 3 or Swagger 2 operation for GET \/persons\/7 \(or a \.proto rpc whose google\.api\.http option binds that path\) in the workspace/);
    assert.match(h.message, /put the OpenAPI document \(YAML or JSON\) in the workspace, or add its folder \(or a glob\) to the callscope\.definitions\.include setting\.$/);
    assert.equal(h.setting, 'callscope.definitions.include');
  });
  it('XML-RPC: says it has no definition files of its own and what is matched instead', () => {
    const h = noDefinitionHelp({ protocol: 'xmlrpc', method: 'fun_add', target: '/RPC2', http: { method: 'POST', uri: '/RPC2' } });
    assert.match(h.message, /no definition found for fun_add \/RPC2\. Looked for an OpenAPI 3 or Swagger 2 operation for POST \/RPC2 \(XML-RPC has no definition files of its own/);
  });
  it('Thrift, SOAP and messaging: .thrift, .wsdl and AsyncAPI', () => {
    assert.match(noDefinitionHelp({ protocol: 'thrift', method: 'signup' }).message, /a service method signup in a \.thrift file.*put the \.thrift file in the workspace/);
    assert.match(noDefinitionHelp({ protocol: 'soap', method: 'readPerson', target: '/person' }).message, /an operation readPerson in a \.wsdl file/);
    assert.match(noDefinitionHelp({ protocol: 'mqtt', method: 'PUBLISH', target: 'rides/status' }).message, /an AsyncAPI channel for rides\/status.*the AsyncAPI document/);
  });
  it('a protocol with no definition format says so', () => {
    assert.match(noDefinitionHelp({ protocol: 'dubbo', method: 'getPerson' }).message, /reads no definition format for Dubbo\.$/);
  });
});
