// psc-web end to end, in a real browser against a real pscd holding the demo data: the flows
// patient-safety leads use, its web security, accessibility (axe-core) and working without
// JavaScript. Run by tools/web/e2e/run, which starts pscd and psc-web; the tests run in order
// (later ones see the requests earlier ones made).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  axeViolations, close, done, expectAccessible, launch, shot, signIn, url,
} from './helpers.mjs';

before(launch);
after(close);

const requestCards = (page, text) => page.getByTestId('request').filter({ hasText: text });

test('a Wessex lead finds a shareable human-factors expert, asks for 2 days, West of England accepts, the report shows them', async () => {
  const wessex = await signIn('wessex');
  await wessex.goto(`${url}/experts`);
  await wessex.getByLabel('Skill').selectOption('HUMAN_FACTORS');
  await wessex.getByLabel('Region').selectOption('SOUTH_WEST');
  await wessex.getByLabel('Free days a month, at least').fill('2');
  assert.ok(await wessex.getByLabel('Only experts other PSCs can ask for').isChecked());
  await wessex.getByRole('button', { name: 'Find experts' }).click();
  const match = wessex.locator('li.psc-result').filter({ hasText: 'Noel Mockford' });
  assert.match(await match.textContent(), /human factors at practitioner level/);
  assert.match(await match.textContent(), /covers South West/);
  assert.match(await match.textContent(), /2 free days a month/);
  await expectAccessible(wessex);
  await shot(wessex, 'expert-finder');

  await match.getByRole('link').click();
  assert.equal(await wessex.getByRole('heading', { level: 1 }).textContent(), 'Noel Mockford (demo data)');
  await wessex.getByLabel('For the initiative').selectOption('initiatives/falls-wessex');
  // Too many days: the form's own check says so in an error summary linking the field and beside
  // it, with what was typed kept and nothing sent.
  await wessex.getByLabel('Days a month', { exact: true }).fill('40');
  await wessex.getByRole('button', { name: 'Request days' }).click();
  assert.match(await wessex.locator('.nhsuk-error-summary a[href="#days_per_month"]').textContent(),
    /days a month, a whole number from 1 to 31/);
  assert.equal(await wessex.getByLabel('Days a month', { exact: true }).inputValue(), '40');
  await wessex.getByLabel('Days a month', { exact: true }).fill('2');
  await expectAccessible(wessex);
  await shot(wessex, 'expert');
  await wessex.getByRole('button', { name: 'Request days' }).click();
  await wessex.waitForURL(/\/inbox\?done=requested/);
  assert.match(await requestCards(wessex, 'Noel Mockford').textContent(), /Pending/);

  const westOfEngland = await signIn('westOfEngland');
  await westOfEngland.goto(`${url}/inbox`);
  const incoming = requestCards(westOfEngland, 'Noel Mockford');
  assert.match(await incoming.textContent(), /Wessex Patient Safety Collaborative, for Inpatient falls prevention: 2 days a month for 1 month from [A-Z][a-z]+ 20[0-9][0-9]/);
  await expectAccessible(westOfEngland);
  await shot(westOfEngland, 'inbox');
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await westOfEngland.waitForURL(/done=accept/);
  assert.match(await requestCards(westOfEngland, 'Noel Mockford').textContent(), /Accepted/);
  await done(westOfEngland);

  await wessex.goto(`${url}/inbox`);
  assert.match(await requestCards(wessex, 'Noel Mockford').textContent(), /Accepted/);
  await wessex.goto(`${url}/report`);
  const given = wessex.locator('#days-given tbody tr').filter({ hasText: 'West of England' });
  assert.equal((await given.locator('td').textContent()).trim(), '2');
  const received = wessex.locator('#days-received tbody tr').filter({ hasText: 'Wessex' });
  assert.equal((await received.locator('td').textContent()).trim(), '2');
  assert.match(await wessex.getByTestId('figures').textContent(), /2 committed/);
  const wessexRow = wessex.getByTestId('per-psc').locator('tbody tr').filter({ hasText: 'Wessex' });
  assert.equal(await wessexRow.locator('td').count(), 4 + 6, 'a column per workstream and status');
  await expectAccessible(wessex);
  await shot(wessex, 'report');
  await done(wessex);
});

test('searching "sepsis" reaches the sepsis dashboard case study, and a facet narrows the results', async () => {
  const page = await signIn('reader');
  await page.getByLabel('Initiatives, case studies, experts and resources').fill('sepsis');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const all = parseInt(await page.getByTestId('total').textContent(), 10);
  assert.ok(all >= 3, `sepsis matches several records (${all})`);
  assert.ok(await page.locator('.psc-snippet mark').count() > 0, 'snippets highlight the match');
  await expectAccessible(page);
  await shot(page, 'search');
  await page.getByLabel(/^Case studies \(\d+\)$/).check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const narrowed = parseInt(await page.getByTestId('total').textContent(), 10);
  assert.ok(narrowed >= 1 && narrowed < all, `the facet narrows ${all} to ${narrowed}`);
  await page.getByRole('link', { name: 'Suspicion of sepsis dashboard' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(),
    'Suspicion of sepsis dashboard');
  assert.ok(await page.getByRole('heading', { name: 'The challenge' }).isVisible());
  await expectAccessible(page);
  await shot(page, 'case-study');
  await done(page);
});

test('a new initiative that copies another PSC\'s shows the similar-work warning; asking to join instead, the other lead approves', async () => {
  const wessex = await signIn('wessex');
  await wessex.getByRole('link', { name: 'New initiative' }).click();
  await wessex.getByLabel('Title').fill('Just and learning culture programme');
  await wessex.getByLabel('Summary').fill(
    'A just and learning culture programme: restorative responses to incidents and learning from what goes well.');
  await wessex.getByLabel('Workstream').selectOption('SAFETY_CULTURE');
  await wessex.getByRole('button', { name: 'Create initiative' }).click();
  const warning = wessex.getByTestId('similar-warning');
  assert.match(await warning.textContent(), /Just and learning culture programme, led by Oxford/);
  assert.ok(await wessex.getByRole('button', { name: 'Create anyway' }).isVisible());
  await expectAccessible(wessex);
  await shot(wessex, 'new-initiative-warning');

  await warning.getByRole('link', { name: 'Just and learning culture programme' }).click();
  await wessex.waitForURL(/\/initiatives\/just-culture-oxford$/);
  await wessex.getByLabel('What your PSC would bring').fill('Two trusts piloting restorative reviews');
  await expectAccessible(wessex);
  await shot(wessex, 'initiative');
  await wessex.getByRole('button', { name: 'Ask to join' }).click();
  await wessex.waitForURL(/\/inbox\?done=asked/);
  assert.match(await requestCards(wessex, 'Just and learning culture').textContent(), /Pending/);

  const oxford = await signIn('oxford');
  await oxford.goto(`${url}/inbox`);
  const asked = requestCards(oxford, 'Just and learning culture');
  assert.match(await asked.textContent(), /Wessex Patient Safety Collaborative: Two trusts piloting restorative reviews/);
  await asked.getByRole('button', { name: 'Approve' }).click();
  await oxford.waitForURL(/done=approve/);
  await done(oxford);

  await wessex.goto(`${url}/initiatives/just-culture-oxford`);
  assert.match(await wessex.getByTestId('participants').textContent(), /Wessex/);
  assert.equal(await wessex.getByRole('button', { name: 'Ask to join' }).count(), 0);
  await done(wessex);
});

test('a lead edits their initiative; a save over someone else\'s newer change is refused, keeping theirs', async () => {
  const lead = await signIn('wessex');
  const member = await signIn('wessex');
  await lead.goto(`${url}/initiatives/falls-wessex`);
  await lead.getByRole('link', { name: 'Edit initiative' }).click();
  await member.goto(`${url}/initiatives/falls-wessex/edit`);  // the same version, in another tab
  await lead.getByLabel('Title').fill('Inpatient falls prevention, wave 2');
  await lead.getByLabel('Status').selectOption('SPREADING');
  await expectAccessible(lead);
  await lead.getByRole('button', { name: 'Save changes' }).click();
  await lead.waitForURL(/\/initiatives\/falls-wessex\?done=updated/);
  assert.equal(await lead.getByRole('heading', { level: 1 }).textContent(),
    'Inpatient falls prevention, wave 2');
  assert.match(await lead.locator('.nhsuk-summary-list').textContent(), /Spreading/);

  await member.getByLabel('Title').fill('A stale edit');
  await member.getByRole('button', { name: 'Save changes' }).click();
  assert.match(await member.locator('.nhsuk-error-summary').textContent(), /There is a problem/);
  assert.equal(await member.getByLabel('Title').inputValue(), 'A stale edit', 'what was typed is kept');
  await lead.goto(`${url}/initiatives/falls-wessex`);
  assert.equal(await lead.getByRole('heading', { level: 1 }).textContent(),
    'Inpatient falls prevention, wave 2');

  await lead.goto(`${url}/initiatives/falls-wessex/edit`);
  await lead.getByLabel('Status').selectOption('PAUSED');  // needs a reason: the field is named
  await lead.getByRole('button', { name: 'Save changes' }).click();
  assert.match(await lead.locator('.nhsuk-error-summary a[href="#status_reason"]').textContent(),
    /Status reason/);
  await done(member);
  await done(lead);
});

test('a title with a script tag shows as text', async () => {
  const wessex = await signIn('wessex');
  await wessex.goto(`${url}/initiatives/new`);
  await wessex.getByLabel('Title').fill('<script>alert(1)</script>');
  await wessex.getByLabel('Workstream').selectOption('MATERNITY_NEONATAL');
  await wessex.getByRole('button', { name: /Create/ }).click();
  if (await wessex.getByRole('button', { name: 'Create anyway' }).count()) {
    await wessex.getByRole('button', { name: 'Create anyway' }).click();
  }
  await wessex.waitForURL(/\/initiatives\/[a-z0-9-]+\?done=created/);
  assert.equal(await wessex.getByRole('heading', { level: 1 }).textContent(),
    '<script>alert(1)</script>');
  assert.equal(await wessex.locator('main script').count(), 0);
  await done(wessex);  // no dialog opened, no CSP violation
});

test('a form posted without its CSRF token, or with another session\'s, is refused and changes nothing', async () => {
  const wessex = await signIn('wessex');
  const other = await signIn('wessex');
  await other.goto(`${url}/experts/noel-mockford`);
  const othersToken = await other.locator('input[name=csrf]').first().getAttribute('value');
  await done(other);
  await wessex.goto(`${url}/inbox`);
  const before = await wessex.getByTestId('request').count();
  const form = {
    initiative: 'initiatives/falls-wessex', days_per_month: '1', start_year: '2027',
    start_month: '6', months: '1',
  };
  for (const token of [undefined, othersToken, 'forged']) {
    const response = await wessex.request.post(`${url}/experts/noel-mockford`, {
      form: token === undefined ? form : { ...form, csrf: token }, maxRedirects: 0,
    });
    assert.equal(response.status(), 403, `csrf ${token}`);
    assert.match(await response.text(), /This form has expired/);
  }
  // The real token works: the check is what refused the others.
  await wessex.goto(`${url}/experts/noel-mockford`);
  const token = await wessex.locator('form[action="/experts/noel-mockford"] input[name=csrf]').getAttribute('value');
  const accepted = await wessex.request.post(`${url}/experts/noel-mockford`, {
    form: { ...form, csrf: token }, maxRedirects: 0,
  });
  assert.equal(accepted.status(), 303);
  await wessex.goto(`${url}/inbox`);
  assert.equal(await wessex.getByTestId('request').count(), before + 1);
  await done(wessex);
});

test('the reader sees no contact data and no edit or request buttons; a lead does', async () => {
  const reader = await signIn('reader');
  await reader.goto(`${url}/experts/noel-mockford`);
  assert.equal(await reader.getByTestId('contact').count(), 0);
  assert.equal(await reader.getByRole('button', { name: 'Request days' }).count(), 0);
  assert.equal(await reader.getByRole('link', { name: 'New initiative' }).count(), 0);
  assert.equal(await reader.getByRole('link', { name: 'Inbox' }).count(), 0);
  await reader.goto(`${url}/initiatives/just-culture-oxford`);
  assert.equal(await reader.getByRole('button', { name: 'Ask to join' }).count(), 0);
  assert.equal(await reader.getByRole('link', { name: 'Edit initiative' }).count(), 0);
  await reader.goto(`${url}/initiatives/new`);
  await reader.getByLabel('Title').fill('A reader cannot create this');
  await reader.getByLabel('Workstream').selectOption('SAFETY_CULTURE');
  await reader.getByRole('button', { name: /Create/ }).click();
  if (await reader.getByRole('button', { name: 'Create anyway' }).count()) {
    await reader.getByRole('button', { name: 'Create anyway' }).click();
  }
  assert.match(await reader.locator('.nhsuk-error-summary').textContent(),
    /You do not have permission/);
  await done(reader);

  const lead = await signIn('westOfEngland');
  await lead.goto(`${url}/experts/noel-mockford`);
  assert.equal(await lead.getByTestId('contact').count(), 1);
  await done(lead);
});

test('the atlas role sees only published case studies', async () => {
  const atlas = await signIn('atlas');
  await atlas.goto(`${url}/search?q=falls`);
  const kinds = await atlas.locator('li.psc-result .nhsuk-caption-m').allTextContents();
  assert.ok(kinds.length > 0, 'the atlas finds published case studies');
  assert.deepEqual([...new Set(kinds)], ['Case studies']);
  assert.equal(await atlas.getByText('Falls prevention: early findings (draft)').count(), 0);
  await atlas.goto(`${url}/caseStudies/falls-draft-wessex`);
  assert.match(await atlas.getByRole('heading', { level: 1 }).textContent(), /Case study not found/);
  await done(atlas);

  const admin = await signIn('admin');
  await admin.goto(`${url}/search?q=falls`);
  assert.equal(await admin.getByText('Falls prevention: early findings (draft)').count(), 1);
  await done(admin);
});

test('an initiative with measure data shows its SPC charts with their icons and their points as a table', async () => {
  const page = await signIn('reader');
  await page.goto(`${url}/initiatives/news2-community-wessex`);
  assert.ok(await page.getByRole('heading', { name: 'Measure data' }).isVisible());
  const chart = page.locator('figure.psc-spc').first();
  const points = await chart.locator('svg circle').count();
  assert.ok(points >= 12, `a point per period (${points})`);
  assert.equal(await chart.locator('details tbody tr').count(), points, 'the table has every point');
  assert.match(await chart.locator('.psc-icon').first().getAttribute('aria-label'),
    /variation/);
  assert.ok(await chart.locator('line.psc-spc__mean').count() >= 1, 'a mean line per segment');
  await expectAccessible(page);
  await shot(page, 'initiative-spc');
  await done(page);
});

test('an initiative charts each site of a measure whose values do not add up, and draws no target line where there is no assurance', async () => {
  const page = await signIn('reader');
  // Cardiac arrests per 1000 admissions, given as a value per site: one chart per site, named.
  await page.goto(`${url}/initiatives/news2-community-wessex`);
  assert.equal(await page.locator('figure#spc-cardiac-arrests').count(), 0, 'no combined chart');
  const sites = page.locator('figure.psc-spc--small');
  assert.equal(await sites.count(), 4);
  const headings = await sites.locator('h3').allTextContents();
  assert.ok(headings.includes('Cardiac arrest rate (per 1000 admissions): University Hospital Southampton'),
    headings.join('; '));
  // Harm-free care, numerators and denominators: the sites combined first, then each site.
  await page.goto(`${url}/initiatives/safety-huddles-yh`);
  assert.match(await page.locator('figure#spc-harm-free-care h3').textContent(),
    /All 3 sites combined/);
  assert.equal(await page.locator('figure.psc-spc--small').count(), 3);
  for (const path of ['/initiatives/news2-community-wessex', '/initiatives/safety-huddles-yh',
    '/initiatives/culture-survey-kss', '/initiatives/sepsis-dashboard-nwc']) {
    await page.goto(`${url}${path}`);
    for (const figure of await page.locator('figure.psc-spc').all()) {
      const assurance = await figure.locator('.psc-icon').nth(1).getAttribute('aria-label');
      if (/^No assurance/.test(assurance)) {
        assert.equal(await figure.locator('line.psc-spc__target').count(), 0,
          `${path}: ${assurance}`);
      }
    }
  }
  // Months in words.
  assert.match(await page.locator('figure.psc-spc svg title').first().textContent(),
    /from January 2022 to/);
  await done(page);
});

test('a form comes back with each error beside its field and what was typed, errors before the similar-work warning', async () => {
  const wessex = await signIn('wessex');
  // A title far over its 200 characters, and no workstream.
  const title = `Safety huddles ${'x'.repeat(10000)}`;
  await wessex.goto(`${url}/initiatives/new`);
  await wessex.getByLabel('Title').fill(title);
  await wessex.getByRole('button', { name: /Create/ }).click();
  assert.match(await wessex.locator('.nhsuk-error-summary').textContent(), /There is a problem/);
  assert.equal(await wessex.getByTestId('similar-warning').count(), 0, 'errors first');
  assert.equal(await wessex.getByLabel('Title').inputValue(), title, 'what was typed is kept');
  const group = wessex.locator('.nhsuk-form-group--error', { has: wessex.locator('#title') });
  assert.match(await group.locator('.nhsuk-error-message').textContent(), /Error: Title: /);
  assert.match(await wessex.locator('#workstream-error').textContent(), /Workstream/);

  // Days a month out of range: only the form's own fields, never a derived one.
  await wessex.goto(`${url}/experts/noel-mockford`);
  await wessex.getByLabel('Days a month').fill('-2');
  await wessex.getByRole('button', { name: 'Request days' }).click();
  const summary = await wessex.locator('.nhsuk-error-summary').textContent();
  assert.match(summary, /Enter the days a month, a whole number from 1 to 31/);
  assert.doesNotMatch(summary, /delivered|between 0 and -/i);
  assert.match(await wessex.locator('#days_per_month-error').textContent(), /1 to 31/);
  assert.equal(await wessex.getByLabel('Days a month').inputValue(), '-2');
  await done(wessex);
});

test('at 375 px wide no page scrolls sideways, and the header menu collapses', async () => {
  const page = await signIn('wessex', { viewport: { width: 375, height: 812 } });
  const wide = {};
  for (const path of [...pages, '/login']) {
    await page.goto(`${url}${path}`);
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return null;
      // The outermost elements that stick out, to say what to fix.
      return [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 1 &&
          !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 1))
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
    });
    if (overflow) wide[path] = overflow;
  }
  assert.deepEqual(wide, {});
  // The menu holds what does not fit, behind "More".
  await page.goto(`${url}/search`);
  const more = page.getByRole('button', { name: /More/ });
  if (await more.isVisible()) {
    await more.click();
    assert.ok(await page.getByRole('link', { name: 'National report' }).isVisible());
  }
  await done(page);
});

const pages = [
  '/search?q=sepsis', '/experts?skill=HUMAN_FACTORS&region=SOUTH_WEST&shareable_only=1',
  '/experts/noel-mockford', '/inbox', '/initiatives/falls-wessex', '/initiatives/new',
  '/initiatives/falls-wessex/edit', '/initiatives/news2-community-wessex',
  '/caseStudies/sepsis-dashboard', '/report', '/nope',
];

test('axe-core finds no serious or critical violations on any page', async () => {
  const page = await signIn('wessex');
  const found = {};
  for (const path of pages) {
    await page.goto(`${url}${path}`);
    const violations = await axeViolations(page);
    if (violations.length) found[path] = violations;
  }
  await page.goto(`${url}/search`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  const violations = await axeViolations(page);
  if (violations.length) found['/login'] = violations;
  assert.deepEqual(found, {});
  await done(page);
});

test('every page works with JavaScript disabled', async () => {
  const page = await signIn('wessex', { javaScriptEnabled: false });
  for (const path of pages) {
    const response = await page.goto(`${url}${path}`);
    assert.equal(response.status(), path === '/nope' ? 404 : 200, path);
    assert.ok(await page.getByRole('heading', { level: 1 }).isVisible(), path);
  }
  await page.goto(`${url}/search`);
  await page.getByLabel('Initiatives, case studies, experts and resources').fill('huddles');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  assert.ok(parseInt(await page.getByTestId('total').textContent(), 10) > 0);
  await page.goto(`${url}/report`);
  assert.ok(await page.locator('#initiatives svg rect').count() > 10, 'the charts are drawn on the server');
  await done(page);
});
