import { describe, expect, it } from 'vitest';
import { summarizeOms } from '../../../src/providers/huawei-oms/summary.js';

// Issue #13, "Creating and approving": the approval request reads like a change request, with the
// provider's settings in words rather than API constants.
describe('an OMS request as the approver reads it', () => {
  it('shows settings in words, never the API constants', () => {
    const summary = summarizeOms('task', {
      task_type: 'prefix',
      src_node: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'acme-photos', object_key: ['2024/'] },
      dst_node: { region: 'cn-north-4', bucket: 'photos-obs' },
      object_overwrite_mode: 'SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE',
      consistency_check: 'size_last_modified',
      dst_storage_policy: 'IA',
      task_priority: 'HIGH',
    });
    const shown = Object.fromEntries(summary.details.map((d) => [d.label, d.value]));
    expect(shown).toMatchObject({
      What: 'Objects under prefixes',
      Overwrite: 'Overwrite if size or date differ',
      'Consistency check': 'Size and last modified',
      'Storage class': 'Infrequent access',
      Priority: 'High',
    });
    expect(JSON.stringify(summary)).not.toMatch(/SIZE_LAST_MODIFIED_COMPARISON_OVERWRITE|"IA"|"HIGH"/);
  });
});
