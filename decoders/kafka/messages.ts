/**
 * Request/response bodies decoded field by field, per version, for the APIs callscope shows in
 * detail (after the JSON message definitions in Apache Kafka's repository). Other APIs are
 * shown by name and size.
 */
import type { Field } from './schema';

const PARTS = (f: Field[]): Field[1] => ({ arr: f });
const NULLSTR = 'string' as const;

export const REQUESTS: Record<number, Field[]> = {
  0: [
    ['transactional_id', NULLSTR, 3],
    ['acks', 'int16'],
    ['timeout_ms', 'int32'],
    ['topic_data', PARTS([['name', 'string', 0, 12], ['topic_id', 'uuid', 13], ['partition_data', PARTS([['index', 'int32'], ['records', 'records']])]])],
  ],
  1: [
    ['replica_id', 'int32', 0, 14],
    ['max_wait_ms', 'int32'],
    ['min_bytes', 'int32'],
    ['max_bytes', 'int32', 3],
    ['isolation_level', 'int8', 4],
    ['session_id', 'int32', 7],
    ['session_epoch', 'int32', 7],
    ['topics', PARTS([['topic', 'string', 0, 12], ['topic_id', 'uuid', 13], ['partitions', PARTS([['partition', 'int32'], ['current_leader_epoch', 'int32', 9], ['fetch_offset', 'int64'], ['last_fetched_epoch', 'int32', 12], ['log_start_offset', 'int64', 5], ['partition_max_bytes', 'int32']])]])],
    ['forgotten_topics_data', PARTS([['topic', 'string', 0, 12], ['topic_id', 'uuid', 13], ['partitions', { arr: 'int32' }]]), 7],
    ['rack_id', 'string', 11],
  ],
  2: [
    ['replica_id', 'int32'],
    ['isolation_level', 'int8', 2],
    ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['current_leader_epoch', 'int32', 4], ['timestamp', 'int64'], ['max_num_offsets', 'int32', 0, 0]])]])],
    ['timeout_ms', 'int32', 10],
  ],
  3: [
    ['topics', PARTS([['topic_id', 'uuid', 10], ['name', 'string']])],
    ['allow_auto_topic_creation', 'bool', 4],
    ['include_cluster_authorized_operations', 'bool', 8, 10],
    ['include_topic_authorized_operations', 'bool', 8],
  ],
  8: [
    ['group_id', 'string'],
    ['generation_id_or_member_epoch', 'int32', 1],
    ['member_id', 'string', 1],
    ['group_instance_id', NULLSTR, 7],
    ['retention_time_ms', 'int64', 2, 4],
    ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['committed_offset', 'int64'], ['committed_leader_epoch', 'int32', 6], ['commit_timestamp', 'int64', 1, 1], ['committed_metadata', NULLSTR]])]])],
  ],
  9: [
    ['group_id', 'string', 0, 7],
    ['topics', PARTS([['name', 'string'], ['partition_indexes', { arr: 'int32' }]]), 0, 7],
    ['groups', PARTS([['group_id', 'string'], ['member_id', NULLSTR, 9], ['member_epoch', 'int32', 9], ['topics', PARTS([['name', 'string'], ['partition_indexes', { arr: 'int32' }]])]]), 8],
    ['require_stable', 'bool', 7],
  ],
  10: [
    ['key', 'string', 0, 3],
    ['key_type', 'int8', 1],
    ['coordinator_keys', { arr: 'string' }, 4],
  ],
  11: [
    ['group_id', 'string'],
    ['session_timeout_ms', 'int32'],
    ['rebalance_timeout_ms', 'int32', 1],
    ['member_id', 'string'],
    ['group_instance_id', NULLSTR, 5],
    ['protocol_type', 'string'],
    ['protocols', PARTS([['name', 'string'], ['metadata', 'bytes']])],
    ['reason', NULLSTR, 8],
  ],
  12: [
    ['group_id', 'string'],
    ['generation_id', 'int32'],
    ['member_id', 'string'],
    ['group_instance_id', NULLSTR, 3],
  ],
  13: [
    ['group_id', 'string'],
    ['member_id', 'string', 0, 2],
    ['members', PARTS([['member_id', 'string'], ['group_instance_id', NULLSTR], ['reason', NULLSTR, 5]]), 3],
  ],
  14: [
    ['group_id', 'string'],
    ['generation_id', 'int32'],
    ['member_id', 'string'],
    ['group_instance_id', NULLSTR, 3],
    ['protocol_type', NULLSTR, 5],
    ['protocol_name', NULLSTR, 5],
    ['assignments', PARTS([['member_id', 'string'], ['assignment', 'bytes']])],
  ],
  17: [['mechanism', 'string']],
  18: [
    ['client_software_name', 'string', 3],
    ['client_software_version', 'string', 3],
  ],
  22: [
    ['transactional_id', NULLSTR],
    ['transaction_timeout_ms', 'int32'],
    ['producer_id', 'int64', 3],
    ['producer_epoch', 'int16', 3],
  ],
};

export const RESPONSES: Record<number, Field[]> = {
  0: [
    ['responses', PARTS([['name', 'string', 0, 12], ['topic_id', 'uuid', 13], ['partition_responses', PARTS([['index', 'int32'], ['error_code', 'int16'], ['base_offset', 'int64'], ['log_append_time_ms', 'int64', 2], ['log_start_offset', 'int64', 5], ['record_errors', PARTS([['batch_index', 'int32'], ['batch_index_error_message', NULLSTR]]), 8], ['error_message', NULLSTR, 8]])]])],
    ['throttle_time_ms', 'int32', 1],
  ],
  1: [
    ['throttle_time_ms', 'int32', 1],
    ['error_code', 'int16', 7],
    ['session_id', 'int32', 7],
    ['responses', PARTS([['topic', 'string', 0, 12], ['topic_id', 'uuid', 13], ['partitions', PARTS([['partition_index', 'int32'], ['error_code', 'int16'], ['high_watermark', 'int64'], ['last_stable_offset', 'int64', 4], ['log_start_offset', 'int64', 5], ['aborted_transactions', PARTS([['producer_id', 'int64'], ['first_offset', 'int64']]), 4], ['preferred_read_replica', 'int32', 11], ['records', 'records']])]])],
  ],
  2: [
    ['throttle_time_ms', 'int32', 2],
    ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['error_code', 'int16'], ['old_style_offsets', { arr: 'int64' }, 0, 0], ['timestamp', 'int64', 1], ['offset', 'int64', 1], ['leader_epoch', 'int32', 4]])]])],
  ],
  3: [
    ['throttle_time_ms', 'int32', 3],
    ['brokers', PARTS([['node_id', 'int32'], ['host', 'string'], ['port', 'int32'], ['rack', NULLSTR, 1]])],
    ['cluster_id', NULLSTR, 2],
    ['controller_id', 'int32', 1],
    ['topics', PARTS([['error_code', 'int16'], ['name', 'string'], ['topic_id', 'uuid', 10], ['is_internal', 'bool', 1], ['partitions', PARTS([['error_code', 'int16'], ['partition_index', 'int32'], ['leader_id', 'int32'], ['leader_epoch', 'int32', 7], ['replica_nodes', { arr: 'int32' }], ['isr_nodes', { arr: 'int32' }], ['offline_replicas', { arr: 'int32' }, 5]])], ['topic_authorized_operations', 'int32', 8]])],
    ['cluster_authorized_operations', 'int32', 8, 10],
  ],
  8: [
    ['throttle_time_ms', 'int32', 3],
    ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['error_code', 'int16']])]])],
  ],
  9: [
    ['throttle_time_ms', 'int32', 3],
    ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['committed_offset', 'int64'], ['committed_leader_epoch', 'int32', 5], ['metadata', NULLSTR], ['error_code', 'int16']])]]), 0, 7],
    ['error_code', 'int16', 2, 7],
    ['groups', PARTS([['group_id', 'string'], ['topics', PARTS([['name', 'string'], ['partitions', PARTS([['partition_index', 'int32'], ['committed_offset', 'int64'], ['committed_leader_epoch', 'int32'], ['metadata', NULLSTR], ['error_code', 'int16']])]])], ['error_code', 'int16']]), 8],
  ],
  10: [
    ['throttle_time_ms', 'int32', 1],
    ['error_code', 'int16', 0, 3],
    ['error_message', NULLSTR, 1, 3],
    ['node_id', 'int32', 0, 3],
    ['host', 'string', 0, 3],
    ['port', 'int32', 0, 3],
    ['coordinators', PARTS([['key', 'string'], ['node_id', 'int32'], ['host', 'string'], ['port', 'int32'], ['error_code', 'int16'], ['error_message', NULLSTR]]), 4],
  ],
  11: [
    ['throttle_time_ms', 'int32', 2],
    ['error_code', 'int16'],
    ['generation_id', 'int32'],
    ['protocol_type', NULLSTR, 7],
    ['protocol_name', 'string'],
    ['leader', 'string'],
    ['skip_assignment', 'bool', 9],
    ['member_id', 'string'],
    ['members', PARTS([['member_id', 'string'], ['group_instance_id', NULLSTR, 5], ['metadata', 'bytes']])],
  ],
  12: [
    ['throttle_time_ms', 'int32', 1],
    ['error_code', 'int16'],
  ],
  13: [
    ['throttle_time_ms', 'int32', 1],
    ['error_code', 'int16'],
    ['members', PARTS([['member_id', 'string'], ['group_instance_id', NULLSTR], ['error_code', 'int16']]), 3],
  ],
  14: [
    ['throttle_time_ms', 'int32', 1],
    ['error_code', 'int16'],
    ['protocol_type', NULLSTR, 5],
    ['protocol_name', NULLSTR, 5],
    ['assignment', 'bytes'],
  ],
  17: [
    ['error_code', 'int16'],
    ['mechanisms', { arr: 'string' }],
  ],
  18: [
    ['error_code', 'int16'],
    ['api_keys', PARTS([['api_key', 'int16'], ['min_version', 'int16'], ['max_version', 'int16']])],
    ['throttle_time_ms', 'int32', 1],
  ],
  22: [
    ['throttle_time_ms', 'int32'],
    ['error_code', 'int16'],
    ['producer_id', 'int64'],
    ['producer_epoch', 'int16'],
  ],
};
