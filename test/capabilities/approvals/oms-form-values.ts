/** An OMS task form filled in full and valid, as the create-forms-*.test.ts files submit it. */
export const OMS_OK = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'src-bucket',
  src_objects: 'photos/\nlogs/',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
  dst_prefix: 'from-aws',
  overwrite: 'NO_OVERWRITE',
  consistency: 'crc64',
  storage_class: 'IA',
  priority: 'HIGH',
  description: 'photos to OBS',
  bandwidth: '00:00-06:00=200MB/s',
};
