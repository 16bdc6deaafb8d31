// The "Run Workflow" input form: one step per declared input, built from the input's JSON Schema
// (enum and boolean: a pick list; numbers, integers, objects and arrays: typed, validated text;
// defaults prefilled; required inputs cannot be left empty). Back goes to the previous input.
import * as vscode from 'vscode';

export interface InputField {
  name: string;
  schema: { type?: string | string[]; enum?: unknown[]; description?: string; default?: unknown };
  required: boolean;
}

/** Parses what was typed for one field; an error message when it does not fit the schema. */
export function parseField(
  field: InputField,
  raw: string,
): { value?: unknown; error?: string; omit?: boolean } {
  const type = Array.isArray(field.schema.type) ? field.schema.type[0] : field.schema.type;
  if (raw.trim() === '') {
    if (field.schema.default !== undefined || !field.required) return { omit: true };
    return { error: `${field.name} is required` };
  }
  if (!type || type === 'string') return { value: raw };
  if (type === 'number' || type === 'integer') {
    const n = Number(raw);
    if (!Number.isFinite(n)) return { error: `Enter a number` };
    if (type === 'integer' && !Number.isInteger(n)) return { error: `Enter a whole number` };
    return { value: n };
  }
  if (type === 'boolean') {
    if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
    return { error: 'Enter true or false' };
  }
  try {
    const value = JSON.parse(raw);
    if (type === 'array' && !Array.isArray(value)) return { error: 'Enter a JSON array' };
    if (type === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value)))
      return { error: 'Enter a JSON object' };
    return { value };
  } catch {
    return { error: `Enter JSON for a ${type}` };
  }
}

const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Asks for every field in turn; undefined when the user cancels. */
export async function askInputs(
  workflow: string,
  fields: InputField[],
): Promise<Record<string, unknown> | undefined> {
  const inputs: Record<string, unknown> = {};
  let i = 0;
  while (i < fields.length) {
    const field = fields[i]!;
    const answer = await askOne(workflow, field, i, fields.length, shown(inputs[field.name] ?? ''));
    if (answer === 'back') {
      i = Math.max(0, i - 1);
      continue;
    }
    if (answer === undefined) return undefined;
    if (answer.omit) delete inputs[field.name];
    else inputs[field.name] = answer.value;
    i++;
  }
  return inputs;
}

function askOne(
  workflow: string,
  field: InputField,
  step: number,
  total: number,
  previous: string,
): Promise<{ value?: unknown; omit?: boolean } | 'back' | undefined> {
  const type = Array.isArray(field.schema.type) ? field.schema.type[0] : field.schema.type;
  const title = `Run ${workflow}: ${field.name}${field.required && field.schema.default === undefined ? '' : ' (optional)'}`;
  const back = step > 0 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    let done = false;
    // the first answer wins: disposing the box fires onDidHide, which must not turn an accept into a cancel
    const finish = (value: { value?: unknown; omit?: boolean } | 'back' | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      for (const d of disposables) d.dispose();
    };
    if (field.schema.enum || type === 'boolean') {
      const options = field.schema.enum ?? [true, false];
      const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { value: unknown }>();
      pick.title = title;
      pick.step = step + 1;
      pick.totalSteps = total;
      pick.placeholder = field.schema.description ?? `Pick ${field.name}`;
      pick.ignoreFocusOut = true;
      pick.buttons = back;
      pick.items = options.map((value) => ({
        label: shown(value),
        value,
        description: value === field.schema.default ? 'default' : undefined,
      }));
      const preselect = pick.items.find(
        (it) => shown(it.value) === (previous || shown(field.schema.default)),
      );
      if (preselect) pick.activeItems = [preselect];
      disposables.push(
        pick,
        pick.onDidTriggerButton(() => finish('back')),
        pick.onDidAccept(() => finish({ value: pick.selectedItems[0]?.value ?? pick.activeItems[0]?.value })),
        pick.onDidHide(() => finish(undefined)),
      );
      pick.show();
      return;
    }
    const box = vscode.window.createInputBox();
    box.title = title;
    box.step = step + 1;
    box.totalSteps = total;
    box.prompt = [
      field.schema.description,
      type ? `(${type}${type === 'string' || !type ? '' : ', JSON'})` : '',
    ]
      .filter(Boolean)
      .join(' ');
    box.placeholder = field.schema.default !== undefined ? `default: ${shown(field.schema.default)}` : '';
    box.value = previous;
    box.ignoreFocusOut = true;
    box.buttons = back;
    disposables.push(
      box,
      box.onDidTriggerButton(() => finish('back')),
      box.onDidChangeValue((v) => {
        box.validationMessage = v.trim() === '' ? undefined : parseField(field, v).error;
      }),
      box.onDidAccept(() => {
        const parsed = parseField(field, box.value);
        if (parsed.error) {
          box.validationMessage = parsed.error;
          return;
        }
        finish(parsed);
      }),
      box.onDidHide(() => finish(undefined)),
    );
    box.show();
  });
}
