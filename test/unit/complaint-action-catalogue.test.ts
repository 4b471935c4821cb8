import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TObject } from 'typebox';
import {
  actionsForStep,
  citizenActions,
  complaintActionCatalogue,
  complaintActionPath,
  staffActions,
  type ActionField,
  type ComplaintActionName,
} from '../../contracts/complaint-actions.ts';
import { complaintActionBody } from '../../api/complaint-action-bodies.ts';
import {
  actionTexts,
  citizenActionUpdates,
  complaintActionUpdates,
  MessageKind,
  staffActionUpdates,
} from '../../domain/complaint-messages.ts';
import { complaintActions } from '../../domain/complaint-rules.ts';
import { citizenActionFields, staffActionFields } from '../../web/src/complaint-action-forms.ts';
import type { FieldSpec } from '../../web/src/field-spec.ts';

// Issue 19: one catalogue of complaint actions (contracts/complaint-actions.ts), and every action in it has
// its workflow rule and Update, its API body, and its portal form with the catalogue's fields and limits.
// The route of each action is checked against the published API in test/integration/openapi-contract.test.ts,
// the workflow's handler of each Update in test/workflows/complaint-business-errors.test.ts.

const actions = Object.keys(complaintActionCatalogue) as ComplaintActionName[];
const fieldsOf = (action: ComplaintActionName): Record<string, ActionField> =>
  complaintActionCatalogue[action].fields;
const t = (key: string) => `«${key}»`;
const pickers = { teams: [], people: [], earlier: [] };

function formOf(action: ComplaintActionName): FieldSpec[] {
  const entry = complaintActionCatalogue[action];
  if (entry.audience === 'staff')
    return staffActionFields(action as (typeof staffActions)[number], t, pickers);
  return citizenActionFields(action as (typeof citizenActions)[number] | 'rating', t);
}

describe('the complaint action catalogue', () => {
  it('names 16 actions: 10 of staff, 5 of the citizen and the rating', () => {
    expect(staffActions).toHaveLength(10);
    expect(citizenActions).toHaveLength(5);
    expect(actions).toHaveLength(16);
  });

  it('is plain data: it imports nothing, so the portal may read it as a value', () => {
    const source = readFileSync(new URL('../../contracts/complaint-actions.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it.each(actions)('%s has its workflow Update and rule', (action) => {
    const { update } = complaintActionCatalogue[action];
    expect(complaintActionUpdates[update].name).toBe(update);
    expect(typeof complaintActions[update].check).toBe('function');
    expect(typeof complaintActions[update].apply).toBe('function');
  });

  it('routes each action to its Update, staff and citizen apart', () => {
    for (const action of staffActions) {
      expect(staffActionUpdates[action].name).toBe(complaintActionCatalogue[action].update);
      expect(complaintActionPath(action)).toBe(`/api/complaints/:receiptNo/actions/${action}`);
    }
    for (const action of citizenActions) {
      expect(citizenActionUpdates[action].name).toBe(complaintActionCatalogue[action].update);
      expect(complaintActionPath(action)).toBe(`/api/complaints/:receiptNo/citizen/${action}`);
    }
    expect(complaintActionPath('rating')).toBe('/api/complaints/:receiptNo/rating');
  });

  it.each(actions)(
    '%s: the API body has exactly the catalogue fields, required unless optional',
    (action) => {
      const body = complaintActionBody(action) as TObject & { additionalProperties?: boolean };
      const fields = fieldsOf(action);
      expect(Object.keys(body.properties).sort()).toEqual(Object.keys(fields).sort());
      expect(body.additionalProperties).toBe(false);
      const required = Object.entries(fields)
        .filter(([, field]) => !(field.type === 'text' && field.optional === 'omit'))
        .map(([name]) => name);
      expect([...((body.required as string[] | undefined) ?? [])].sort()).toEqual(required.sort());
      for (const [name, field] of Object.entries(fields)) {
        const schema = body.properties[name] as Record<string, unknown>;
        if (field.type === 'integer')
          expect(schema).toMatchObject({ minimum: field.min, maximum: field.max });
        if (field.type === 'text') expect(schema).toMatchObject({ maxLength: field.max });
        if (field.type === 'text' && !field.optional) expect(schema).toMatchObject({ minLength: field.min });
      }
    },
  );

  it.each(actions)('%s: the portal form asks for the catalogue fields with its limits', (action) => {
    const form = formOf(action);
    const fields = fieldsOf(action);
    expect(form.map((spec) => spec.name).sort()).toEqual(Object.keys(fields).sort());
    for (const spec of form) {
      const field = fields[spec.name]!;
      if (field.type === 'integer')
        expect(spec).toMatchObject({ kind: expect.stringMatching(/number|rating/) });
      if (field.type === 'integer' && spec.kind === 'number')
        expect({ min: spec.min, max: spec.max }).toEqual({ min: field.min, max: field.max });
      if (field.type === 'text' && !field.optional) expect(spec.required).toBe(true);
      if (field.type === 'choice')
        expect(spec.options?.map((option: { value: string }) => option.value)).toEqual([...field.values]);
      if (field.type === 'boolean') expect(spec).toMatchObject({ kind: 'choice', options: [{}, {}] });
      expect(spec.label).toMatch(/^«.+»$/);
    }
  });

  it('stores each text under a known message kind, and only there', () => {
    const kinds = new Set<string>(Object.values(MessageKind));
    for (const action of actions) {
      const entry = complaintActionCatalogue[action];
      const text = 'text' in entry ? entry.text : undefined;
      expect(actionTexts[action]).toEqual(text);
      if (!text) continue;
      expect(kinds.has(text.kind), `${action}: ${text.kind}`).toBe(true);
      expect(Object.keys(entry.fields)).toContain(text.field);
    }
  });

  it('offers every staff action in some pending step, and only staff actions', () => {
    const offered = new Set<string>(Object.values(actionsForStep).flat());
    expect([...offered].sort()).toEqual([...staffActions].sort());
  });
});
