// The retention pages without JS show every input; with it, the rule form shows only those the chosen action and
// scope use, names the unit of "after", and forms that delete ask first.

for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

const ruleForm = document.getElementById('rule-form');
if (ruleForm) {
  const action = ruleForm.querySelector('#rule-action');
  const scope = ruleForm.querySelector('#rule-scope');
  const afterLabel = ruleForm.querySelector('#rule-after-label');
  const after = ruleForm.querySelector('#rule-after');
  const when = ruleForm.querySelector('#rule-when');

  const update = () => {
    const chosen = action.selectedOptions[0];
    const hours = chosen?.dataset.unit === 'hours';
    afterLabel.textContent = hours ? 'Hours' : 'Days';
    when.textContent = chosen?.dataset.when ?? '';
    after.min = hours ? '1' : '0';
    for (const field of ruleForm.querySelectorAll('[data-show-action]')) {
      field.hidden = field.dataset.showAction !== action.value;
    }
    for (const field of ruleForm.querySelectorAll('[data-show-scope]')) {
      field.hidden = field.dataset.showScope !== scope.value;
    }
    // unfinished uploads have no tags: an abort rule applies to all of them
    for (const option of scope.options) {
      option.disabled = action.value === 'ABORT_UPLOADS' && option.value !== 'ALL';
    }
    if (scope.selectedOptions[0]?.disabled) {
      scope.value = 'ALL';
      update();
    }
  };
  action.addEventListener('change', update);
  scope.addEventListener('change', update);
  update();
}
