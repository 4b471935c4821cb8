import { Type, type TSchema } from 'typebox';
import {
  complaintActionCatalogue,
  type ActionField,
  type ComplaintActionName,
} from '../contracts/complaint-actions.ts';
import { ReceiptNo } from './schemas.ts';

function fieldSchema(field: ActionField): TSchema {
  switch (field.type) {
    case 'text':
      if (field.optional === 'blank') return Type.String({ maxLength: field.max, default: '' });
      if (field.optional === 'omit') return Type.Optional(Type.String({ maxLength: field.max }));
      return Type.String({ minLength: field.min, maxLength: field.max });
    case 'integer':
      return Type.Integer({ minimum: field.min, maximum: field.max });
    case 'choice':
      return Type.Union(field.values.map((value) => Type.Literal(value)));
    case 'boolean':
      return Type.Boolean();
    case 'code':
      return Type.String({ minLength: 1, maxLength: 20 });
    case 'receipt-no':
      return ReceiptNo;
  }
}

/** The request body of an action, as the action catalogue describes it: its fields and nothing else. */
export function complaintActionBody(action: ComplaintActionName): TSchema {
  const fields: Readonly<Record<string, ActionField>> = complaintActionCatalogue[action].fields;
  return Type.Object(
    Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldSchema(field)])),
    { additionalProperties: false },
  );
}
