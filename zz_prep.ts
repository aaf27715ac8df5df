import { prepareTinyModel, smolvlm256mDir } from './test/support/models';
console.log(await prepareTinyModel());
const t = performance.now();
console.log(await smolvlm256mDir((m) => console.log(m)), ((performance.now() - t) / 1000).toFixed(1), 's');
