/**
 * Words that mean the same thing for routing, grouped by concept. Twelve example requests per
 * agent cannot teach that a "vendor" is a "supplier" or that a "recap" is a summary; this table
 * can. Each term (a word or a short phrase) is stemmed at start-up and adds a concept feature
 * next to the words themselves, in training text and requests alike, so it helps any roster
 * whose agents talk about these things and costs nothing for a roster that does not.
 *
 * Written from general business, software and writing vocabulary; keep groups narrow (true
 * near-synonyms), since a broad group makes unrelated requests look alike.
 */
export const routingLexicon: Readonly<Record<string, string>> = {
  // Orchestration
  route:
    'route, dispatch, assign, distribute, delegate, forward, hand over, hand off, allocate, parcel out, split up, pass along, whose job, who should, which of you, who takes, who handles, right person, right agent, send it to, pass on, pass it on, sort out who',
  multiPart:
    'each part, each item, each half, several things, mixed, grab bag, different parts, both parts, various requests, several requests, a mix of',
  specialist: 'specialist, specialists, expert, agent, agents',
  plan: 'plan, roadmap, step by step, phases, milestones, sequence, orchestrate, coordinate, break down, decompose, work plan, workstream, execute, carry out, drive, oversee, supervise, end to end, rollout, roll out, go-live preparation, launch plan, project plan, multi-step',
  verify:
    'verify, validate, vet, critique, gatekeep, sanity check, double check, fact check, verdict, pass or fail, approve or reject, quality gate, assess whether, rate the quality, against the brief, against the requirements, meets the requirements, meet the requirements, acceptance check, quality check, approve, sign off, second opinion, correctness of the output',
  evidence: 'evidence, supported, backed, claim, claims, unsupported, grounded, proof, justified',
  output: 'output, result, answer, deliverable, produced, generated',
  context:
    'context, background, relevant material, supporting files, bundle, curate, token budget, fed to, feed to, hand to an agent, which files, which documents, reference files, relevant files, background files, material an agent, what an agent needs, minimal set',
  stale: 'stale, outdated, out of date, obsolete, fresh, current, up to date, superseded',
  memory:
    'remember, memorise, memory, keep in mind, store the fact, record the fact, note for later, forget, long-term',
  preference: 'preference, prefer, habit, likes, dislikes, always wants',
  // General
  explain:
    'explain, meaning, mean, define, definition, difference between, what is, eli5, plain words, how does, how do i, in simple terms, what does it mean, acronym, stands for',
  calculate:
    'convert, conversion, calculate, calculation, how many, how much is, percent, percentage, add up, working days',
  quick: 'quick, quickly, simple, short question, one-liner, rough, roughly',
  recall:
    'where did i, what did we, did we decide, wrote down, jotted, noted, recall, look back, previously, last time, earlier, where did i record, where did i put, what reasons did we give, did we ever, history of, find my notes, in my notes, my notes say, what have we got on, do we have anything on',
  decision: 'decide, decided, decision, agreed, concluded, settled, chose, rejected',
  knowledge: 'notes, my notes, second brain, knowledge base, wiki, journal, what do we know',
  briefing:
    'briefing, overview, digest, rundown, round-up, roundup, state of play, where things stand, catch me up, morning update, all active, all projects, all clients, all engagements, across my projects, status of everything, what happened, what changed, what moved, this morning, today, weekly review, monday overview, friday review',
  due: 'due, deadline, deadlines, overdue, upcoming, pending, coming up, this week, next week',
  blocked: 'blocked, stuck, stalled, waiting on, blocker, blockers, on hold',
  research:
    'research, investigate, investigation, study, dig into, look into, find out, explore, deep dive, compare options, market scan, best practice, state of the art',
  source:
    'source, sources, cite, citation, citations, references, reference, web, literature, evidence-based',
  // Pipeline work
  summary:
    'summary, summarise, summarize, condense, recap, tldr, tl;dr, gist, boil down, compress, synopsis, key points, highlights, in a nutshell, short version, abridge, reduce to, short paragraph, few sentences, one paragraph, one page, brief version, cut down, bullet summary, main points, essentials',
  extract:
    'extract, pull out, parse, fields, structured, json, schema, key-value, rows, records, csv, scrape, contact details, business card, get the fields, into a table, list of records, data from, spreadsheet rows, line items, key fields, structured data',
  report:
    'report, write-up, write up, deliverable, executive summary, status report, closure report, audit report, findings, proper document, formal document, turn my notes into, client-ready, polished report, quarterly report, monthly report, board report, management summary',
  audience:
    'audience, stakeholders, steering committee, board, management, leadership, executives, cfo, ceo, cto',
  // Engineering
  codeReview:
    'code review, review, pull request, pr, merge request, diff, patch, changeset, look over, before i merge, check my code, look at my code, the code i wrote, my change, my changes, code quality, review comments, security review',
  refactor:
    'refactor, refactoring, restructure, clean up, cleanup, tidy, simplify, untangle, decouple, modularise, deduplicate, duplication, duplicated, technical debt, spaghetti, messy, rename, without changing behaviour, same behaviour, state machine, hard-coded, hardcoded, extract into, move into, too long, god class, code smell, readability, restructure the code, split the module, split the class, circular imports, dead code, magic numbers',
  test: 'test, tests, unit test, integration test, end-to-end, e2e, test coverage, coverage, assert, assertion, mock, fixture, test case, spec, vitest, jest, pytest, junit, regression test',
  bug: 'bug, bugs, crash, crashes, exception, stack trace, stacktrace, traceback, error log, broken, defect, glitch, hangs, freezes, reproduce, repro, regression, severity, duplicate report, not working, fails, failing, diagnose, root cause, logged out, blank page, randomly, intermittent, intermittently, failure, where would the problem be, our code or, triage, since the release, since yesterday, wrong result, off by',
  architecture:
    'architecture, architect, system design, design the, data model, schema design, boundaries, monolith, microservice, microservices, service split, integration pattern, event-driven, message queue, adr, decision record, trade-off, trade-offs, scalability, scale, structure the integration, how should we structure, approach for, high-level design, component, components, interfaces between, api design, multi-tenant, tenancy, event sourcing, caching strategy, read replica',
  deploy:
    'deploy, deployment, release pipeline, ci, cd, ci/cd, github actions, gitlab ci, jenkins, build server, docker, container, containerise, kubernetes, k8s, helm, cluster, server, vps, nginx, tls, ssl, certificate, dns, backup, backups, restore, monitoring, uptime, alerting, incident, outage, infrastructure, terraform, ansible, staging, production, rollback, out of memory, disk full, disk space, cpu, server down, restart, cron job, server logs, load balancer, firewall, ssh, environment variables, secrets, automate the release, release tagging, pipeline broke, build broke',
  dependency:
    'dependency, dependencies, package, packages, library, libraries, npm, yarn, pnpm, composer, pip, requirements.txt, maven, gradle, nuget, lock file, lockfile, manifest, cve, vulnerability, vulnerabilities, vulnerable, licence, license, gpl, outdated packages, abandoned, unmaintained, upgrade plan, semver, third-party, third party, versions, version bump, bump, security advisories, advisory, npm audit, pinned, transitive',
  documentation:
    'documentation, docs, readme, api reference, api docs, setup guide, installation guide, user guide, runbook, changelog, release notes, how-to, contributor guide, docstring, jsdoc, document the, document how, installation, setup instructions, getting started, developer docs, api documentation, faq, knowledge article',
  code: 'code, codebase, function, module, class, method, repo, repository, endpoint, controller, typescript, javascript, python, java, php, sql schema',
  // ERP
  inventory:
    'stock, inventory, warehouse, warehouses, bin, storage location, pallet, on hand, reorder point, safety stock, lot, serial number, cycle count, stocktake, stock count, stock valuation, fifo, lifo, moving average, sku, obsolete stock, slow-moving, stock movement, goods issue, transfer order, stock level, stock levels, in stock, out of stock, stockout, parts in the warehouse, storage, shelf, shelves, picking, put-away, write down, write-off, shrinkage, expiry, best before',
  accounting:
    'ledger, general ledger, gl, journal entry, journal entries, posting, postings, booking, chart of accounts, vat, sales tax, tax code, reconciliation, reconcile, accrual, accruals, deferral, deferred revenue, depreciation, fixed asset, month-end, year-end, closing, fx, revaluation, trial balance, p&l, balance sheet, debit, bookkeeping, accountant, cost centre, intercompany, booked, book the, entries, depreciation schedule, amortisation, ledger account, bank statement, open items, payables, receivables, audit trail, fiscal year, financial statements, provisions',
  sales:
    'sales order, sales orders, quote, quotation, quotations, price list, pricing, discount, discounts, delivery note, shipment, customer invoice, credit note, return, returns, rma, order-to-cash, backorder, order intake, order, orders, customer price, selling price, rebate, sold, sell, invoice the customer, billing the customer, delivery date, shipping, dispatch note, revenue per product, order value, quote approval',
  purchasing:
    'purchase, purchasing, procurement, purchase order, po, requisition, supplier, suppliers, vendor, vendors, lead time, goods receipt, three-way match, supplier invoice, sourcing, rfq, buyer, procure-to-pay, rate our vendors, supplier evaluation, supplier rating, delivery reliability, on-time delivery, reorder from, buy from, order from the supplier, purchase price, incoming goods, supplier performance, vendor master',
  manufacturing:
    'production, manufacturing, bom, bill of materials, routing, routings, work centre, work center, mrp, capacity, shop floor, scrap, yield, production order, manufacturing order, work order, assembly, machine, batch size, setup time, production cost, jobs on the floor, shop-floor, parts shortage, components, material shortage, can t start, production plan, production schedule, operations, machine hours, labour hours, output per shift, bottleneck, finished goods',
  crm: 'crm, lead, leads, opportunity, opportunities, deal, deals, prospect, prospects, contact, contacts, account manager, segmentation, segment, churn, funnel, conversion, win rate, sales pipeline, pipeline stage, customer master, person to talk to, contact person, key accounts, named contact, deal phases, sales stages, customer accounts, follow-up activities, last contact, no activity, inactive customers, prospects list',
  reporting:
    'kpi, kpis, dashboard, dashboards, metric, metrics, chart, charts, sql, query, queries, dso, dpo, margin, margins, stock turns, turnover, cash flow, bi, pivot, figures, year over year, trend, report on, figures for, numbers for, breakdown, per month, per quarter, by region, by customer, compare revenue, revenue by, chart of, visualise, leadership screen, management cockpit, excel export',
  erp: 'erp, sap, odoo, dynamics, netsuite, business central, client system',
  // Language
  translate:
    'translate, translation, translator, localise, localize, localisation, i18n, in german, into german, in french, into french, in spanish, into spanish, in italian, into italian, in dutch, into dutch, in portuguese, into portuguese, in polish, into polish, into english, in english, german version, french version',
  proofread:
    'proofread, proofreading, typo, typos, grammar, spelling, punctuation, copy-edit, copyedit, tighten, wordy, consistent terminology, house style, style guide, errors in the text, correct the mistakes, fix mistakes, mistakes, errors, cover letter, once over, proof, clean up the wording, polish the wording, awkward phrasing, capitalisation',
  write:
    'write, draft, compose, blog, blog post, article, case study, proposal, landing page, copy, newsletter, whitepaper, talk abstract, pitch, web copy, product copy, long-form, persuasive, marketing text, sell the, website text, blog article, thought leadership, story, storytelling, headline, tagline, brochure, content for',
  email:
    'email, e-mail, mail, reply, respond, follow-up, follow up, inbox, letter, write back, nudge, chase, decline, apologise, apology, polite message, cold outreach, note to, message to, write to, ask for, asking for, reach out, reply to, answer the client, thank-you, invitation, invite, out of office, customer mail, mail to',
  adapt:
    'rewrite, rephrase, reword, tone, formal, casual, friendly, plain language, layman, non-technical, linkedin, tweet, social media, social post, brand voice, slide bullets, adapt, audience-friendly, make it sound, sound more, less formal, more formal, simpler words, for children, for a newsletter, punchy, shorter and catchier, turn into a post, for the website, elevator pitch, change the tone',
  // Personal operations
  remind:
    'remind, reminder, reminders, ping me, alert me, notify me, alarm, recurring, every monday, every week, every month, snooze, at 9, in two hours, tomorrow morning, ping, in 30 minutes, in an hour, in two days, next monday, at noon, every day, daily at, weekly on, don t let me forget, wake me, heads-up at',
  todo: 'task, tasks, to-do, todo, to-do list, todo list, backlog, tick off, ticked off, mark as done, mark done, open items, action items, what should i do next, my list, on my list, add to my list, put on my list, to-dos, open tasks, overdue tasks, prioritise my, what is left, checklist, done this week',
};
