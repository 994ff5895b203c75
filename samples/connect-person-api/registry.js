// The Person API's descriptors for Connect-ES: a FileDescriptorSet made by protoc from person.proto
// (make.sh: protoc --include_imports --descriptor_set_out=…), no generated code.
// GetPerson is marked `idempotency_level = NO_SIDE_EFFECTS` here, in its MethodOptions, so that
// Connect-ES clients call it with an HTTP GET and the server accepts one; person.proto stays the
// same file as the other Person API samples' (the editor loads every .proto of the workspace, and
// two different files defining callscope.person.v1 would clash).
'use strict';
const fs = require('node:fs');
const { create, createFileRegistry, fromBinary } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema, MethodOptionsSchema, MethodOptions_IdempotencyLevel } = require('@bufbuild/protobuf/wkt');

function loadRegistry(pbFile) {
  const set = fromBinary(FileDescriptorSetSchema, fs.readFileSync(pbFile));
  const file = set.file.find((f) => f.package === 'callscope.person.v1');
  const getPerson = file.service.find((s) => s.name === 'PersonService').method.find((m) => m.name === 'GetPerson');
  getPerson.options = create(MethodOptionsSchema, { idempotencyLevel: MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS });
  return createFileRegistry(set);
}

module.exports = { loadRegistry };
