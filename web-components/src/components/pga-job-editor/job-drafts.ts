/** Form state of the job editor (text as typed) and the API arguments it turns into. */
import type { FormFields } from '../../form-errors.ts';
import { intervalWords } from '../../time-format.ts';
import type { StepItem } from '../pga-step-list/pga-step-list.ts';

export interface JobDraft {
  name: string;
  description: string;
  category: string;
  enabled: boolean;
  agent: string;
  agent_tags: string;
  overlap: string;
  misfire: string;
  misfire_grace: string;
  timeout: string;
}

export interface StepDraft {
  /** The step's current name when editing; '' for a new step. */
  original: string;
  name: string;
  kind: 'shell' | 'sql';
  command: string;
  shell: string;
  connection: string;
  timeout: string;
  retries: string;
  retry_delay: string;
  on_success: string;
  on_success_goto: string;
  on_failure: string;
  on_failure_goto: string;
  enabled: boolean;
}

export interface EmailDraft {
  on: string[];
  to: string;
  from: string;
  subject: string;
  body: string;
}

export const OVERLAP = ['skip', 'queue_one', 'queue_all', 'cancel_previous', 'allow'] as const;
export const MISFIRE = ['run_once', 'run_all', 'skip'] as const;
export const SHELLS = ['', 'sh', 'bash', 'cmd', 'powershell', 'pwsh'] as const;
export const FLOW = ['next', 'goto', 'quit_success', 'quit_failure'] as const;
export const EMAIL_EVENTS = ['start', 'success', 'failure', 'completion'] as const;

export const emptyJob = (): JobDraft => ({
  name: '',
  description: '',
  category: '',
  enabled: true,
  agent: '',
  agent_tags: '',
  overlap: 'skip',
  misfire: 'run_once',
  misfire_grace: '1 minute',
  timeout: '',
});

export const emptyStep = (): StepDraft => ({
  original: '',
  name: '',
  kind: 'shell',
  command: '',
  shell: '',
  connection: '',
  timeout: '',
  retries: '0',
  retry_delay: '0',
  on_success: 'next',
  on_success_goto: '',
  on_failure: 'quit_failure',
  on_failure_goto: '',
  enabled: true,
});

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
export const splitList = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

export function jobToDraft(job: Record<string, unknown>): JobDraft {
  return {
    name: str(job.name),
    description: str(job.description),
    category: str(job.category),
    enabled: job.enabled !== false,
    agent: str(job.agent),
    agent_tags: Array.isArray(job.agent_tags) ? job.agent_tags.join(', ') : '',
    overlap: str(job.overlap) || 'skip',
    misfire: str(job.misfire) || 'run_once',
    misfire_grace: intervalWords(job.misfire_grace) || '1 minute',
    timeout: intervalWords(job.timeout),
  };
}

export function stepToDraft(step: StepItem): StepDraft {
  return {
    original: step.name,
    name: step.name,
    kind: step.kind,
    command: step.command,
    shell: str(step.shell),
    connection: str(step.connection),
    timeout: intervalWords(step.timeout),
    retries: str(step.retries),
    retry_delay: intervalWords(step.retry_delay) || '0 seconds',
    on_success: step.on_success,
    on_success_goto: str(step.on_success_goto),
    on_failure: step.on_failure,
    on_failure_goto: str(step.on_failure_goto),
    enabled: step.enabled,
  };
}

/** Arguments of create_job (new) or update_job (existing: emptied optional fields are cleared). */
export function jobArgs(d: JobDraft, existing: string | null): Record<string, unknown> {
  const args: Record<string, unknown> = {
    description: d.description || undefined,
    category: d.category || undefined,
    agent: d.agent || undefined,
    agent_tags: splitList(d.agent_tags),
    overlap: d.overlap,
    misfire: d.misfire,
    misfire_grace: d.misfire_grace || undefined,
    timeout: d.timeout || undefined,
    enabled: d.enabled,
  };
  if (!existing) return { name: d.name.trim(), ...args };
  const clear = (['description', 'category', 'agent', 'timeout'] as const).filter((k) => !d[k]);
  return { name: existing, ...args, new_name: d.name.trim() !== existing ? d.name.trim() : undefined, clear };
}

/** Arguments of add_step (new) or update_step (existing). */
export function stepArgs(job: string, d: StepDraft): Record<string, unknown> {
  const args: Record<string, unknown> = {
    kind: d.kind,
    command: d.command,
    shell: d.kind === 'shell' && d.shell ? d.shell : undefined,
    connection: d.kind === 'sql' ? d.connection || undefined : undefined,
    timeout: d.timeout || undefined,
    retries: d.retries === '' ? undefined : Number(d.retries),
    retry_delay: d.retry_delay || undefined,
    on_success: d.on_success,
    on_success_goto: d.on_success === 'goto' ? d.on_success_goto || undefined : undefined,
    on_failure: d.on_failure,
    on_failure_goto: d.on_failure === 'goto' ? d.on_failure_goto || undefined : undefined,
    enabled: d.enabled,
  };
  if (!d.original) return { job, name: d.name.trim(), ...args };
  const clear = [
    ...(d.kind === 'shell' && !d.shell ? ['shell'] : []),
    ...(!d.timeout ? ['timeout'] : []),
  ];
  return { job, step: d.original, ...args, new_name: d.name.trim() !== d.original ? d.name.trim() : undefined, clear };
}

/** The job form's controls and labels by the argument names of create_job/update_job. */
export const JOB_FIELDS: FormFields = {
  name: { control: 'name', label: 'Name' },
  new_name: { control: 'name', label: 'Name' },
  description: { control: 'description', label: 'Description' },
  category: { control: 'category', label: 'Category' },
  agent: { control: 'agent', label: 'Agent' },
  agent_tags: { control: 'agent_tags', label: 'Agent tags' },
  overlap: { control: 'overlap', label: 'When a run is still going' },
  misfire: { control: 'misfire', label: 'Missed fires' },
  misfire_grace: { control: 'misfire_grace', label: 'Misfire grace' },
  timeout: { control: 'timeout', label: 'Job timeout' },
};

/** The step form's controls and labels by the argument names of add_step/update_step. */
export const STEP_FIELDS: FormFields = {
  name: { control: 'step_name', label: 'Step name' },
  new_name: { control: 'step_name', label: 'Step name' },
  command: { control: 'command', label: 'Command' },
  connection: { control: 'connection', label: 'Connection' },
  shell: { control: 'shell', label: 'Shell' },
  timeout: { control: 'step_timeout', label: 'Timeout' },
  retries: { control: 'retries', label: 'Retries' },
  retry_delay: { control: 'retry_delay', label: 'Retry delay' },
  on_success_goto: { control: 'on_success_goto', label: 'Go to step' },
  on_failure_goto: { control: 'on_failure_goto', label: 'Go to step' },
};

/** The mail form's controls and labels by the argument names of set_job_email. */
export const EMAIL_FIELDS: FormFields = {
  to: { control: 'email_to', label: 'To' },
  from: { control: 'email_from', label: 'From' },
  on: { control: 'email_on', label: 'Mail on' },
  subject: { control: 'email_subject', label: 'Subject' },
  body: { control: 'email_body', label: 'Body' },
};
