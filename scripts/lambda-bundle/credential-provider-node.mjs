// Stands in for @aws-sdk/credential-provider-node in the Lambda bundle (scripts/build.mjs). Every client the Lambda
// makes is given its credentials (rule/index.ts: `fromEnv`, or assumed ones), so the SDK's default chain, with its
// profile, SSO, web identity and metadata providers and their nested clients, is never asked. Should a client ever be
// made without credentials, it gets the Lambda's one source, the environment, rather than a missing module.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
