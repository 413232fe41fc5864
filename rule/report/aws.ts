/**
 * What `report` loads only once its command line is known good (cli-report.ts): the AWS SDK clients and the
 * collectors that send their commands, most of what the command loads and nothing its --help or a usage error needs.
 * One module, imported by one dynamic import, so that the build can bundle it apart like cli-evaluate.ts.
 */
import { writeFile } from 'node:fs/promises';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ReportDependencies } from '../cli-report';
import { awsClientConfig } from '../collect/client-config';

export { collectAggregate } from './collect';
export { collectDirectory } from './organizations';

export const sdkReportDependencies: ReportDependencies = {
  configClient: (region) => new ConfigServiceClient(awsClientConfig(region)),
  // Organizations is global: the SDK's endpoint rules send every region's calls to its one endpoint.
  organizationsClient: (region) => new OrganizationsClient(awsClientConfig(region)),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  now: () => new Date(),
};
