/** ARNs as the rule reads them from events, trails and alarm actions: one parser, each kind checked as its service allows. */
import { parseArn, parseFunctionArn, parseLogGroupArn, parseRoleArn, parseTopicArn, roleArn } from '../../rule/arn';

describe('ARNs', () => {
  it('splits any ARN, keeping colons inside the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:g:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      accountId: '111122223333',
      resource: 'log-group:g:*',
    });
    expect(parseArn('arn:aws-us-gov:iam::111122223333:role/r')?.partition).toBe('aws-us-gov');
    for (const bad of ['', 'arn:aws:sns', 'urn:aws:sns:us-east-1:111122223333:t', 'arn:gcp:sns:us-east-1:111122223333:t']) expect(parseArn(bad)).toBeUndefined();
  });

  it('reads roles with paths, and refuses other IAM resources', () => {
    expect(parseRoleArn('arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig')).toEqual({
      partition: 'aws',
      accountId: '111122223333',
      path: '/aws-service-role/config.amazonaws.com/',
      name: 'AWSServiceRoleForConfig',
    });
    expect(parseRoleArn('arn:aws:iam::111122223333:user/alice')).toBeUndefined();
    expect(parseRoleArn('arn:aws:iam:us-east-1:111122223333:role/r')).toBeUndefined();
    expect(parseRoleArn(roleArn('aws-cn', '111122223333', 'Reader'))).toEqual({ partition: 'aws-cn', accountId: '111122223333', path: '/', name: 'Reader' });
  });

  it('reads the log group CloudTrail stores, with or without :*', () => {
    expect(parseLogGroupArn('arn:aws:logs:eu-west-1:111122223333:log-group:aws-controltower/CloudTrailLogs:*')).toMatchObject({
      region: 'eu-west-1',
      accountId: '111122223333',
      name: 'aws-controltower/CloudTrailLogs',
    });
    expect(parseLogGroupArn('arn:aws:logs:eu-west-1:111122223333:log-group:g')?.name).toBe('g');
    expect(parseLogGroupArn('arn:aws:s3:::bucket')).toBeUndefined();
  });

  it('reads SNS topics among alarm actions, and not other actions', () => {
    expect(parseTopicArn('arn:aws:sns:us-east-1:111122223333:alerts.fifo')).toEqual({ partition: 'aws', region: 'us-east-1', accountId: '111122223333', name: 'alerts.fifo' });
    expect(parseTopicArn('arn:aws:automate:us-east-1:ec2:stop')).toBeUndefined();
    expect(parseTopicArn('arn:aws:sns:us-east-1:111122223333:a:b')).toBeUndefined();
  });

  it('reads the running function, qualified or not', () => {
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:111122223333:function:rule:live')).toEqual({ partition: 'aws', region: 'us-east-1', accountId: '111122223333', name: 'rule' });
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:111122223333:layer:x:1')).toBeUndefined();
  });
});
