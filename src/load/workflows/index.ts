import { WorkflowName } from './catalog';
import { WorkflowRun } from './context';
import { browse } from './browse';
import { changeOrder } from './change-order';
import { photoUpload } from './photo-upload';
import { rfiLifecycle } from './rfi-lifecycle';
import { submittalFlow } from './submittal-flow';

export const RUNS: Record<WorkflowName, WorkflowRun> = {
  rfi_lifecycle: rfiLifecycle,
  submittal_flow: submittalFlow,
  change_order: changeOrder,
  photo_upload: photoUpload,
  browse,
};
