import { describe, expect, it } from 'vitest';
import { freshdeskErrorMessage } from '../freshdesk/writer';
import { jiraErrorMessage } from '../jira/writer';
import { zendeskErrorMessage } from '../zendesk/writer';

describe("each vendor's error message is pulled out of its own error body", () => {
  it('Zendesk', () => {
    expect(zendeskErrorMessage({ error: 'RecordNotFound', description: 'Not found' })).toBe(
      'RecordNotFound: Not found',
    );
    expect(zendeskErrorMessage({ error: "Couldn't authenticate you" })).toBe("Couldn't authenticate you");
    expect(
      zendeskErrorMessage({
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { base: [{ description: 'Ticket has reached its comment limit', error: 'CommentLimit' }] },
      }),
    ).toBe('RecordInvalid: Record validation errors: Ticket has reached its comment limit');
    expect(zendeskErrorMessage({ error: { title: 'Forbidden', message: 'You do not have access' } })).toBe(
      'You do not have access',
    );
    expect(zendeskErrorMessage(undefined)).toBeUndefined();
  });

  it('Freshdesk', () => {
    expect(
      freshdeskErrorMessage({
        description: 'Validation failed',
        errors: [{ field: 'body', message: 'It should be a/an String', code: 'missing_field' }],
      }),
    ).toBe('Validation failed: body: It should be a/an String');
    expect(
      freshdeskErrorMessage({
        code: 'invalid_credentials',
        message: 'You have to be logged in to perform this action.',
      }),
    ).toBe('You have to be logged in to perform this action.');
    expect(freshdeskErrorMessage([])).toBeUndefined();
  });

  it('Jira', () => {
    expect(jiraErrorMessage({ errorMessage: 'Request does not exist', i18nErrorMessage: { i18nKey: 'k' } })).toBe(
      'Request does not exist',
    );
    expect(jiraErrorMessage({ errorMessages: ['Issue does not exist'], errors: {} })).toBe('Issue does not exist');
    expect(jiraErrorMessage({ errorMessages: [], errors: { body: 'Comment body can not be empty!' } })).toBe(
      'body: Comment body can not be empty!',
    );
  });
});
