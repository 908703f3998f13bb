import type { CreateFormSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

/** Every capability's fields on the create form and what it does with a submission, in the registry's order. */
export function collectCreateForm(list: StartedList): CreateFormSeam {
  const forms = () => list.each('createForm').map((f) => f.part);
  return {
    createFields: (tr, values, form) => forms().flatMap((f) => f.fields(tr, values, form)),
    createActions: (tr) => forms().flatMap((f) => f.actions?.(tr) ?? []),
    // What submitting does when a capability takes it instead of the approvals (the first that says).
    createSubmit: (tr, values) => {
      for (const f of forms()) {
        const words = f.submit?.(tr, values);
        if (words) return words;
      }
      return undefined;
    },
    readCreate: (values, form) => {
      const reads = forms().map((f) => f.read?.(values, form) ?? { errors: {} });
      return {
        errors: Object.assign({}, ...reads.map((r) => r.errors)),
        request: Object.assign({}, ...reads.map((r) => r.request)),
      };
    },
    async takeCreate(submission) {
      for (const f of forms()) {
        const taken = await f.take?.(submission);
        if (taken) return taken;
      }
      return undefined;
    },
  };
}
