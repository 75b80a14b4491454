// The pruning tutorial end to end, from a teacher's link that starts at step 3: the earlier
// steps run first, every figure comes from this run (weight counts from the session's layer
// sizes, the pruned count, the regrown weights), each step shows the learner's guess beside the
// measured answer, and "copy link to this step" gives a link that opens the same step with the
// same settings. Training is capped at a few hundred mini-batches (`tutorial.steps`).
const { test, expect, openPage, waitReady } = require('./fixtures');
const { runStep, sizes } = require('./tutorial.helpers');

const int = (n) => n.toLocaleString('en-US');

test('a teacher link opens the tutorial at step 3 with its settings, and walks to the end', async ({ page }) => {
  test.setTimeout(600_000);
  await openPage(page, '#tutorial=3&hidden=100&epochs=1&tutorial.steps=200&lang=en');
  const tut = page.locator('#panel-tutorial');
  await expect(tut).toHaveAttribute('data-step', '3');
  await expect(page.locator('#tut-title')).toHaveText('3. Prune at the median');
  await expect(page.locator('#set-hidden')).toHaveValue('100');
  await expect(page.locator('#set-epochs')).toHaveValue('1');

  const s = await sizes(page);
  expect(s).toEqual([784, 100, 10]);
  const weights = s.slice(1).reduce((a, n, i) => a + n * s[i], 0);
  await expect(page.locator('#tut-net')).toContainText(`784-100-10 (${int(weights)} weights)`);
  // One epoch at batch 64 is ceil(60000 / 64) steps; the cap makes it 200.
  await expect(page.locator('#tut-net')).toContainText(`batch 64 (${int(Math.ceil(60000 / 64))} steps per epoch)`);

  // Every placeholder of the question is filled from the session.
  await expect(page.locator('#tut-quiz legend')).toHaveText(`Half of the ${int(weights)} weights are set to zero. What share of the test digits will still be right, before any retraining?`);

  // Step 3 from the link: steps 1 and 2 run first.
  await runStep(page, 3, 80);
  await expect(tut).toHaveAttribute('data-done', '1,2,3');
  await expect(page.locator('#tut-guess-value')).toHaveText('80.0%');
  await expect(page.locator('#tut-measured-value')).toHaveText(/^\d+\.\d%$/);
  const half = s.slice(1).reduce((a, n, i) => a + (n * s[i]) / 2, 0);
  await expect(page.locator('#tut-result')).toContainText(`Pruned ${int(half)} of ${int(weights)} weights (50.0%) in 2 layers`);
  // The problems measured so far, with figures from this network.
  await expect(page.locator('#tut-bug-1 .tut-measured')).toContainText(`covers layer 2 alone, ${int(s[1] * s[2])} of ${int(weights)} weights`);
  await expect(page.locator('#tut-bug-2 .tut-measured')).toContainText(`shape [${s[2]}], the mask [${s[2]}, ${s[1]}]`);
  await expect(page.locator('#tut-bug-3 .tut-measured')).toHaveAttribute('data-measured', '1');
  await expect(page.locator('#tut-bug-4 .tut-measured')).toHaveAttribute('data-measured', '0');
  // The article's code: the line of problem 2 is marked, and highlighted at this step.
  const line2 = page.locator('.tut-line:has(.tut-mark[data-bug="2"])');
  await expect(line2).toContainText('param.data *= mask');
  await expect(line2).toHaveClass(/active/);

  await page.click('#tut-next');
  await runStep(page, 4, 90);
  await expect(page.locator('#tut-result')).toContainText('Retrained 200 steps');
  await expect(page.locator('#tut-result')).toContainText('with 50.0% of the weights still exactly zero');

  await page.click('#tut-next');
  await runStep(page, 5, 50);
  const regrew = Number(await tut.getAttribute('data-regrew'));
  // Without the mask most pruned weights grow back; the held mask keeps all of them at zero.
  expect(regrew).toBeGreaterThan(half / 2);
  expect(regrew).toBeLessThanOrEqual(half);
  await expect(page.locator('#tut-result')).toContainText(`${int(regrew)} of the ${int(half)} pruned weights grew back`);
  await expect(page.locator('#tut-bug-4 .tut-measured')).toContainText(`${int(regrew)} of the ${int(half)} pruned weights`);
  await expect(page.locator('#tut-guess-value')).toHaveText('50.0%');

  // Running step 2 again puts the dense network back: the later steps are no longer done.
  await page.locator('.tutorial-steps .chip').nth(1).click();
  await runStep(page, 2); // done before: the answer is shown, no new guess
  await expect(tut).toHaveAttribute('data-done', '1,2');
  await page.locator('.tutorial-steps .chip').nth(4).click();

  // Copy link to this step: the link opens step 5 with the same settings.
  await page.click('#tut-copy');
  const link = await page.locator('#tut-link').inputValue();
  expect(link).toContain('tutorial=5');
  expect(link).toContain('hidden=100');
  expect(link).toContain('epochs=1');
  await page.goto(link);
  await page.reload();
  await waitReady(page);
  await expect(page.locator('#panel-tutorial')).toHaveAttribute('data-step', '5');
  await expect(page.locator('#set-hidden')).toHaveValue('100');
});

test('the article’s 784-100-10 network is one click away; LeNet-300-100 is the default', async ({ page }) => {
  await openPage(page, '#lang=en');
  await expect(page.locator('#tut-net')).toContainText('784-300-100-10 (266,200 weights)');
  await expect(page.locator('#tut-lenet')).toHaveClass(/active/);
  await page.click('#tut-article-net');
  await expect(page.locator('#tut-net')).toContainText('784-100-10 (79,400 weights), SGD at learning rate 0.01');
  await expect(page.locator('#tut-article-net')).toHaveClass(/active/);
  await expect(page.locator('#set-lr')).toHaveValue('0.01');
  await expect(page.locator('#set-epochs')).toHaveValue('10');
  await expect(page.locator('#tut-do')).toHaveText('Train 9,380 steps');
});
