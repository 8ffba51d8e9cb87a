import type { AgentProfile } from './agent-profile.ts';

/** A small roster for unit tests: distinct jobs, a handful of examples each. */
export const testRoster: readonly (AgentProfile & { readonly title: string })[] = [
  {
    name: 'translator',
    title: 'Translator',
    description:
      'Translates text between languages such as German, French and Spanish. It does not write new text.',
    examples: [
      'translate this email into German',
      'what does this French letter say in English',
      'put the manual into Spanish',
      'translate the UI strings into Dutch',
    ],
  },
  {
    name: 'erp-accounting',
    title: 'ERP Accounting',
    description: 'Ledger, VAT, bank reconciliation, journal entries and month-end close in the ERP.',
    examples: [
      'reconcile the bank account for October',
      'why does the VAT report not match the ledger',
      'prepare the month-end close',
      'propose the accrual journal entries for December',
    ],
  },
  {
    name: 'reminders',
    title: 'Reminders',
    description: 'Sets reminders at a given time, once or repeating, and lists them.',
    examples: [
      'remind me tomorrow at 9 to call the bank',
      'every Monday remind me to send invoices',
      'what reminders do I have',
      'cancel the reminder about the dentist',
    ],
  },
  {
    name: 'test-writer',
    title: 'Test Writer',
    description: 'Writes automated unit and integration tests for existing code.',
    examples: [
      'write unit tests for the date parser',
      'add integration tests for the orders endpoint',
      'cover the discount function with tests',
      'write an end-to-end test for the login flow',
    ],
  },
  {
    name: 'writer',
    title: 'Writer',
    description: 'Writes new long-form content: blog posts, articles, case studies and proposals.',
    examples: [
      'write a blog post about our new release',
      'draft a case study on the Acme project',
      'write a proposal for the Globex integration',
      'an article on lessons from ERP migrations',
    ],
  },
];
