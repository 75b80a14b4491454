// Helpers for the tutorial specs: guess, run and wait for one step of the tutorial.
const { expect } = require('./fixtures');

/** Guesses (a percentage for numeric questions, an option value for choices), runs step
 *  `step` (numbered from 1) and waits until the tutorial marks it done. */
async function runStep(page, step, guess) {
  const tut = page.locator('#panel-tutorial');
  await expect(tut).toHaveAttribute('data-step', String(step));
  if (guess !== undefined) {
    if (await page.locator('#tut-guess').count()) await page.fill('#tut-guess', String(guess));
    else await page.check(`input[name=tut-guess][value=${guess}]`);
  }
  await expect(page.locator('#tut-do')).toBeEnabled({ timeout: 90_000 });
  await page.click('#tut-do');
  await expect
    .poll(async () => (await tut.getAttribute('data-done')) || '', { timeout: 300_000 })
    .toContain(String(step));
  await expect(tut).toHaveAttribute('data-busy', '0');
  await expect(page.locator('#tut-measured-value')).toBeVisible();
  // Every placeholder of every string on the tutorial is filled from the session.
  expect(await tut.innerText()).not.toMatch(/\{\w+(:\w+)?\}/);
}

/** The session's layer sizes, straight from the worker (not from the page's text). */
async function sizes(page) {
  return (await page.evaluate(() => window.shrinkDebug.call('session', 'info'))).sizes;
}

module.exports = { runStep, sizes };
