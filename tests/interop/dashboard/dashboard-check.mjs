// The dashboard in a real browser: Debian's chromium, headless, driven by playwright-core.
// Usage: node dashboard-check.mjs BASE_URL CONTACT_CREDENTIAL OWN_CUSTOMER OTHER_CUSTOMER DEVICE_ID SCREENSHOT
// Exits non-zero, saying what failed, when a check fails.
import { chromium } from 'playwright-core';

const [base, credential, own, other, deviceId, screenshot] = process.argv.slice(2);

function check(condition, what) {
  if (!condition) {
    throw new Error(`dashboard check failed: ${what}`);
  }
  console.log(`ok - ${what}`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  page.on('requestfailed', (request) => {
    // A navigation cancels what the previous page still loads (its icon): not a failure.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} (${reason})`);
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(base)) problems.push(`request outside the server: ${request.url()}`);
  });

  await page.goto(`${base}/dashboard`);
  check(page.url() === `${base}/dashboard/login`, 'an anonymous visitor is sent to the login page');

  await page.getByLabel('Your Lifeline credential').fill('ll_wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = await page.getByRole('alert').textContent();
  check(alert.includes('not valid'), `a wrong credential is refused with a message ("${alert}")`);

  await page.getByLabel('Your Lifeline credential').fill(credential);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/dashboard/customers/${own}`);
  check(true, `the contact logs in and lands on ${own}'s overview`);

  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === 'lifeline_session');
  check(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
  check(await page.evaluate(() => document.cookie).then((text) => !text.includes('lifeline_session')),
    'scripts cannot read the session cookie');

  const chart = page.getByRole('img', { name: /^Migration of .*planned against active devices per quarter$/ }).first();
  await chart.waitFor({ state: 'visible' });
  const box = await chart.boundingBox();
  check(box && box.width > 300 && box.height > 150, `the burn-down chart is drawn (${Math.round(box.width)}x${Math.round(box.height)})`);
  check(await page.locator('svg.burndown rect.actual').count() > 0, 'the chart has bars of active devices');
  check(await page.locator('svg.burndown polyline.planned').count() > 0, 'the chart has the planned line');
  check(await page.getByRole('table', { name: /Compliance per product/ }).isVisible(), 'compliance per product is shown');
  await page.screenshot({ path: screenshot, fullPage: true });
  check(true, `screenshot kept at ${screenshot}`);

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Devices' }).click();
  await page.waitForURL(`${base}/dashboard/customers/${own}/devices`);
  const devices = page.getByRole('table', { name: 'Active devices and their updates' });
  check(await devices.isVisible(), 'the device table is shown');
  const rows = await devices.locator('tbody tr').count();
  check(rows > 1, `the device table lists the customer's devices (${rows} rows)`);
  check(await devices.getByRole('rowheader', { name: deviceId, exact: true }).isVisible(), `device ${deviceId} is listed`);
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-devices.png'), fullPage: true });

  const refused = await page.goto(`${base}/dashboard/customers/${other}`);
  check(refused.status() === 403, `another customer's page is refused (HTTP ${refused.status()})`);
  const refusal = await page.locator('main').textContent();
  check(refusal.includes("Not your customer's page") && !refusal.includes(other),
    "the refusal says why and shows nothing of the other customer");

  await page.goto(`${base}/dashboard/customers/${own}`);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${base}/dashboard/login`);
  await page.goto(`${base}/dashboard/customers/${own}`);
  check(page.url() === `${base}/dashboard/login`, 'after logging out the pages need a login again');

  // Chromium logs the two refusals asked for above (the wrong credential's 401, the other
  // customer's 403) as failed resources; anything else is a problem.
  const expected = ['status of 401', 'status of 403'];
  const unexpected = problems.filter((text) => {
    const index = expected.findIndex((status) => text.includes(status));
    if (index < 0) return true;
    expected.splice(index, 1);
    return false;
  });
  check(unexpected.length === 0, `no console error, blocked resource or outside request (${unexpected.join('; ')})`);
} finally {
  await browser.close();
}
