// The PyTorch code of the article the tutorial follows (section 5, "项目实践：代码实例和详细解释说明"),
// line for line; its comments are catalogue keys (the article's own Chinese, or English). `part`
// ties a line to a step of the recipe (1 model, 2 train, 3 importance, 4 prune, 5 retrain);
// `bugs` marks the problems the tutorial measures on the line where each occurs:
//   1. the loop overwrites `importance`: only the last weight matrix's score survives;
//   2. after the loop `param` is the last bias: `param.data *= mask` misses every weight matrix;
//   3. `param.grad` is the gradient of the last mini-batch alone;
//   4. the mask is not held while retraining: `optimizer.step()` regrows the pruned weights.

const c = (comment, part, indent = '') => ({ comment, part, indent });
const l = (text, part, bugs) => ({ text, part, bugs });

export const ARTICLE = Object.freeze([
  l('import torch'),
  l('import torch.nn as nn'),
  l(''),
  c('art.c.model', 1),
  l('model = nn.Sequential(', 1),
  l('    nn.Linear(784, 100),', 1),
  l('    nn.ReLU(),', 1),
  l('    nn.Linear(100, 10),', 1),
  l(')', 1),
  l(''),
  c('art.c.loss', 2),
  l('criterion = nn.CrossEntropyLoss()', 2),
  l('optimizer = torch.optim.SGD(model.parameters(), lr=0.01)', 2),
  l(''),
  c('art.c.train', 2),
  l('for epoch in range(10):', 2),
  l('    for data, target in dataloader:', 2),
  l('        optimizer.zero_grad()', 2),
  l('        output = model(data)', 2),
  l('        loss = criterion(output, target)', 2),
  l('        loss.backward()', 2),
  l('        optimizer.step()', 2),
  l(''),
  c('art.c.importance', 3),
  l('for name, param in model.named_parameters():', 3),
  l("    if 'weight' in name:", 3),
  l('        importance = torch.abs(param.grad)', 3, [1, 3]),
  l(''),
  c('art.c.prune', 4),
  l('threshold = torch.median(importance)', 4),
  l('mask = importance > threshold', 4),
  l('param.data *= mask', 4, [2]),
  l(''),
  c('art.c.retrain', 5),
  l('for epoch in range(10):', 5),
  l('    for data, target in dataloader:', 5),
  l('        optimizer.zero_grad()', 5),
  l('        output = model(data)', 5),
  l('        loss = criterion(output, target)', 5),
  l('        loss.backward()', 5),
  l('        optimizer.step()', 5, [4]),
]);

/** The line (numbered from 1) where each problem occurs. */
export const BUG_LINES = Object.freeze(
  Object.fromEntries([1, 2, 3, 4].map((b) => [b, ARTICLE.findIndex((x) => (x.bugs || []).includes(b)) + 1])),
);

/** The tutorial step (index from 0) that measures each problem. */
export const STEP_OF_BUG = Object.freeze({ 1: 1, 2: 2, 3: 1, 4: 4 });
