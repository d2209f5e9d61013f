// Validates Kubernetes objects against the API's schemas, as npm's kubernetes-models ships them
// (generated from the Kubernetes OpenAPI document, checked with ajv).
// Usage: node validate.mjs <directory where kubernetes-models is installed> <objects.json>
// Prints each object's kind and name with "valid" or what is wrong; exits 1 if any is wrong.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [modelsDir, file] = process.argv.slice(2);
const models = modelsDir + "/node_modules/kubernetes-models";
const classes = {
  "batch/v1 Job": (await import(pathToFileURL(models + "/batch/v1/Job.js").href)).Job,
  "v1 Secret": (await import(pathToFileURL(models + "/v1/Secret.js").href)).Secret,
};
let wrong = 0;
for (const object of JSON.parse(readFileSync(file, "utf8"))) {
  const kind = object.apiVersion + " " + object.kind;
  const name = kind + " " + object.metadata.name;
  const model = classes[kind];
  if (!model) {
    console.log(name + ": no schema here for " + kind);
    wrong++;
    continue;
  }
  try {
    new model(object).validate();
    console.log(name + ": valid");
  } catch (e) {
    console.log(name + ": " + e.message);
    wrong++;
  }
}
process.exit(wrong === 0 ? 0 : 1);
