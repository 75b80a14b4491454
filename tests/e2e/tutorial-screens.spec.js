// Screenshots of every tutorial step, in English and in Chinese, on LeNet-300-100 and on the
// article's 784-100-10 network (SGD, lr 0.01, momentum 0), with the numbers of that run:
// tests/e2e/artifacts/tutorial-<net>-<lang>-step<N>.png. In the suite every training stage is
// capped at 200 mini-batches; TUTORIAL_FULL=1 runs the settings' full epochs (10 for both
// networks, as in the article) for screenshots taken by hand, saved as tutorial-full-*.png.
const { test, expect, openPage, shot } = require('./fixtures');
const { runStep } = require('./tutorial.helpers');

const FULL = process.env.TUTORIAL_FULL === '1';
const NETS = {
  lenet: 'hidden=300,100',
  article: 'hidden=100&opt=sgd&lr=0.01&mom=0&epochs=10',
};
const GUESSES = [92, 'lower', 85, 95, 50];

for (const [net, settings] of Object.entries(NETS)) {
  for (const lang of ['en', 'zh']) {
    test(`tutorial screenshots: ${net}, ${lang}`, async ({ page }) => {
      test.setTimeout(FULL ? 1_800_000 : 300_000);
      await page.setViewportSize({ width: 1280, height: 900 });
      await openPage(page, `#${settings}&lang=${lang}${FULL ? '' : '&tutorial.steps=200'}`);
      const tut = page.locator('#panel-tutorial');
      for (let step = 1; step <= 5; step++) {
        await runStep(page, step, GUESSES[step - 1]);
        await expect(page.locator('#tut-result')).not.toBeEmpty();
        console.log(`${net} ${lang} step ${step}: ${await page.locator('#tut-result').innerText()}`);
        await shot(tut, `tutorial-${FULL ? "full-" : ""}${net}-${lang}-step${step}`);
        if (step < 5) await page.click('#tut-next');
      }
    });
  }
}
