// Remediation: diagnoses -> a quorum-safe plan for the deployment in use.
export { planRemediation, enforceSafety, type PlanInput, type PlanOptions } from './plan.js';
export { detectDeployment, DEPLOYMENT_CHOICES, type Deployment, type DeploymentChoice } from './detect-deployment.js';
export { shellQuote } from './shell-quote.js';
