import { CreateRfiDto } from '../../src/rfis/dto/rfi.dto';
import { formBody } from '../../src/uploads/multipart-form';

describe('formBody: text parts of a multipart item request as the JSON body its DTO validates', () => {
  it('keeps string fields as sent and reads every other field as JSON', () => {
    const body = formBody(
      [
        ['subject', '42'],
        ['question', 'true'],
        ['rfi_manager_id', '7'],
        ['draft', 'false'],
        ['cost_impact', '{"status":"yes_known","value":"1200.00"}'],
        ['assignee_ids', '[3,4]'],
      ],
      CreateRfiDto,
    );
    expect(body).toEqual({ subject: '42', question: 'true', rfi_manager_id: 7, draft: false, cost_impact: { status: 'yes_known', value: '1200.00' }, assignee_ids: [3, 4] });
  });

  it('builds a list from repeated `name[]` parts, in order', () => {
    expect(formBody([['assignee_ids[]', '5'], ['distribution_ids[]', '9'], ['assignee_ids[]', '2']], CreateRfiDto)).toEqual({ assignee_ids: [5, 2], distribution_ids: [9] });
  });

  it('leaves a value that is not JSON as a string, for the DTO to refuse by name', () => {
    expect(formBody([['draft', 'yes'], ['rfi_manager_id', 'seven']], CreateRfiDto)).toEqual({ draft: 'yes', rfi_manager_id: 'seven' });
  });

  it('refuses a field sent twice, or both as `name` and `name[]`, naming it', () => {
    expect(() => formBody([['subject', 'a'], ['subject', 'b']], CreateRfiDto)).toThrow(/subject is sent more than once/);
    expect(() => formBody([['assignee_ids', '[1]'], ['assignee_ids[]', '2']], CreateRfiDto)).toThrow(/assignee_ids is sent both/);
    expect(() => formBody([['assignee_ids[]', '2'], ['assignee_ids', '[1]']], CreateRfiDto)).toThrow(/assignee_ids is sent both/);
  });

  it('refuses names of Object.prototype members instead of setting them', () => {
    expect(() => formBody([['__proto__', '{"polluted":true}']], CreateRfiDto)).toThrow(/__proto__ is not a known field/);
    expect(() => formBody([['constructor[]', '1']], CreateRfiDto)).toThrow(/constructor is not a known field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
