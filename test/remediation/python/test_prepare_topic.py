"""PrepareTopic/prepare_topic: uses or creates the topic, lets CloudWatch publish to it, subscribes the endpoint."""
import unittest

from ssm_scripts import ACCOUNT, REGION, ScriptTestCase, load_document

PARAMETERS = load_document()['parameters']
TOPIC_NAME = PARAMETERS['TopicName']['default']
CREATED = 'arn:aws:sns:%s:%s:%s' % (REGION, ACCOUNT, TOPIC_NAME)
GIVEN = 'arn:aws:sns:%s:%s:security-alerts' % (REGION, ACCOUNT)
KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab'
KEY_ARN = 'arn:aws:kms:%s:%s:key/%s' % (REGION, ACCOUNT, KEY_ID)
# DiscoverChain's plan: the topic to create (by the name in its ARN), unless a TopicArn is given (then 'use').
EVENTS = {'AccountId': ACCOUNT, 'TopicAction': 'create', 'TopicArn': CREATED, 'KmsKeyId': '',
          'SubscriptionProtocol': 'email', 'SubscriptionEndpoint': ''}

# The policy SNS gives a new topic (owner statement), as GetTopicAttributes returns it.
DEFAULT_POLICY = ('{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID",'
                  '"Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:Publish"],'
                  '"Resource":"%s","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}')


def merged_policy(topic):
    """The exact text set_topic_attributes must receive for DEFAULT_POLICY: the owner statement kept, ours appended."""
    return ('{"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [{"Sid": "__default_statement_ID", '
            '"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["SNS:GetTopicAttributes", "SNS:Publish"], '
            '"Resource": "%(t)s", "Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}}}, '
            '{"Sid": "AllowCloudWatchAlarmsToPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, '
            '"Action": "sns:Publish", "Resource": "%(t)s", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, '
            '"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:%(r)s:111122223333:alarm:*"}}}]}') % {'t': topic, 'r': topic.split(':')[3]}


class PrepareTopicCase(ScriptTestCase):
    STEP = 'PrepareTopic'

    def sns(self, region=REGION):
        return self.aws.stub('sns', region)

    def attributes(self, topic, policy=DEFAULT_POLICY, **extra):
        attributes = {'TopicArn': topic, 'Owner': ACCOUNT}
        if policy is not None:
            attributes['Policy'] = policy % topic if '%s' in policy else policy
        attributes.update(extra)
        self.sns().add_response('get_topic_attributes', {'Attributes': attributes}, {'TopicArn': topic})

    def created(self, attributes=None):
        self.sns().add_response('create_topic', {'TopicArn': CREATED}, {'Name': TOPIC_NAME, 'Attributes': attributes or {}})

    def policy_set(self, topic, text):
        self.sns().add_response('set_topic_attributes', {},
                                {'TopicArn': topic, 'AttributeName': 'Policy', 'AttributeValue': text})

    def key(self, key_id, manager='CUSTOMER', arn=KEY_ARN):
        self.aws.stub('kms').add_response('describe_key', {'KeyMetadata': {
            'KeyId': KEY_ID, 'Arn': arn, 'KeyManager': manager, 'Enabled': True, 'KeyState': 'Enabled'}}, {'KeyId': key_id})

    def existing_subscriptions(self, topic, *subscriptions):
        self.sns().add_response('list_subscriptions_by_topic', {'Subscriptions': list(subscriptions)}, {'TopicArn': topic})

    @staticmethod
    def events(given):
        return dict(EVENTS, TopicAction='use' if 'TopicArn' in given else 'create', **given)

    def prepare(self, **events):
        return self.run_handler('prepare_topic', self.events(events))

    def fails(self, *fragments, **events):
        return self.assertFails('prepare_topic', self.events(events), *fragments)


class TopicTest(PrepareTopicCase):
    def test_given_topic_is_kept(self):
        self.attributes(GIVEN)
        self.policy_set(GIVEN, merged_policy(GIVEN))
        self.assertEqual(self.prepare(TopicArn=GIVEN), {'TopicArn': GIVEN, 'PolicyStatementAdded': True, 'Subscribed': False})

    def test_given_topic_encrypted_with_a_customer_key(self):
        self.attributes(GIVEN, KmsMasterKeyId=KEY_ARN)
        self.key(KEY_ARN)
        self.policy_set(GIVEN, merged_policy(GIVEN))
        self.assertEqual(self.prepare(TopicArn=GIVEN)['TopicArn'], GIVEN)

    def test_given_topic_encrypted_with_alias_aws_sns_is_refused(self):
        self.attributes(GIVEN, KmsMasterKeyId='alias/aws/sns')
        self.fails('alias/aws/sns is an AWS managed key', 'customer managed key', TopicArn=GIVEN)

    def test_topic_created_without_key(self):
        self.created()
        self.attributes(CREATED)
        self.policy_set(CREATED, merged_policy(CREATED))
        self.assertEqual(self.prepare(), {'TopicArn': CREATED, 'PolicyStatementAdded': True, 'Subscribed': False})

    def test_topic_created_with_customer_managed_key(self):
        for key_id in (KEY_ID, 'alias/team-key', KEY_ARN, 'arn:aws:kms:%s:%s:alias/team-key' % (REGION, ACCOUNT)):
            with self.subTest(key_id):
                self.setUp()
                self.key(key_id)
                self.created({'KmsMasterKeyId': key_id})
                self.attributes(CREATED, KmsMasterKeyId=key_id)
                self.policy_set(CREATED, merged_policy(CREATED))
                self.assertEqual(self.prepare(KmsKeyId=key_id)['TopicArn'], CREATED)

    def test_alias_aws_sns_is_refused_before_anything_is_created(self):
        for key_id in ('alias/aws/sns', 'arn:aws:kms:%s:%s:alias/aws/sns' % (REGION, ACCOUNT)):
            with self.subTest(key_id):
                self.setUp()
                self.fails('alias/aws/sns is an AWS managed key', 'CloudWatch alarms cannot publish', KmsKeyId=key_id)
                self.aws.assert_all_called()

    def test_aws_managed_key_is_refused(self):
        self.key('alias/aws/s3', manager='AWS')
        self.fails('KMS key alias/aws/s3 is AWS managed', KmsKeyId='alias/aws/s3')

    def test_existing_topic_with_other_attributes(self):
        self.sns().add_client_error('create_topic', service_error_code='InvalidParameter', http_status_code=400,
                                    service_message='Invalid parameter: Attributes Reason: Topic already exists with different attributes',
                                    expected_params={'Name': TOPIC_NAME, 'Attributes': {}})
        self.fails('Topic %s exists with other attributes' % TOPIC_NAME, 'Topic already exists with different attributes',
                   'give its ARN as TopicArn or another TopicName')


class PolicyTest(PrepareTopicCase):
    def test_statement_is_appended_keeping_the_existing_ones(self):
        self.attributes(GIVEN)
        self.policy_set(GIVEN, merged_policy(GIVEN))
        self.assertIs(self.prepare(TopicArn=GIVEN)['PolicyStatementAdded'], True)

    def test_statement_is_not_added_twice(self):
        self.attributes(GIVEN, policy=merged_policy(GIVEN))
        # no set_topic_attributes stubbed: writing the policy again fails the test
        self.assertIs(self.prepare(TopicArn=GIVEN)['PolicyStatementAdded'], False)

    def test_single_statement_object_becomes_a_list(self):
        policy = ('{"Version": "2012-10-17", "Statement": {"Sid": "Owner", "Effect": "Allow", '
                  '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "SNS:*", "Resource": "%s"}}' % GIVEN)
        self.attributes(GIVEN, policy=policy)
        self.policy_set(GIVEN, (
            '{"Version": "2012-10-17", "Statement": [{"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
            '"Action": "SNS:*", "Resource": "%(t)s"}, {"Sid": "AllowCloudWatchAlarmsToPublish", "Effect": "Allow", '
            '"Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": "%(t)s", '
            '"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": '
            '"arn:aws:cloudwatch:us-east-1:111122223333:alarm:*"}}}]}') % {'t': GIVEN})
        self.prepare(TopicArn=GIVEN)

    def test_topic_without_policy_gets_one(self):
        self.attributes(GIVEN, policy=None)
        self.policy_set(GIVEN, (
            '{"Version": "2012-10-17", "Statement": [{"Sid": "AllowCloudWatchAlarmsToPublish", "Effect": "Allow", '
            '"Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": "%(t)s", '
            '"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": '
            '"arn:aws:cloudwatch:us-east-1:111122223333:alarm:*"}}}]}') % {'t': GIVEN})
        self.prepare(TopicArn=GIVEN)

    def test_gov_cloud_partition(self):
        topic = 'arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts'
        self.attributes(topic, policy=None)
        self.policy_set(topic, (
            '{"Version": "2012-10-17", "Statement": [{"Sid": "AllowCloudWatchAlarmsToPublish", "Effect": "Allow", '
            '"Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": "%s", '
            '"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": '
            '"arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:*"}}}]}') % topic)
        self.prepare(TopicArn=topic)


class SubscriptionTest(PrepareTopicCase):
    def given_topic_with_policy(self):
        self.attributes(GIVEN, policy=merged_policy(GIVEN))

    def test_endpoint_is_subscribed_once(self):
        self.given_topic_with_policy()
        self.existing_subscriptions(GIVEN, {'SubscriptionArn': GIVEN + ':1', 'Owner': ACCOUNT, 'Protocol': 'email',
                                            'Endpoint': 'someone-else@example.com', 'TopicArn': GIVEN})
        self.sns().add_response('subscribe', {'SubscriptionArn': 'pending confirmation'},
                                {'TopicArn': GIVEN, 'Protocol': 'email', 'Endpoint': 'secops@example.com'})
        result = self.prepare(TopicArn=GIVEN, SubscriptionEndpoint='secops@example.com')
        self.assertEqual(result, {'TopicArn': GIVEN, 'PolicyStatementAdded': False, 'Subscribed': True})

    def test_existing_subscription_is_not_duplicated(self):
        for arn in ('PendingConfirmation', GIVEN + ':7f1c2a9e'):
            with self.subTest(arn):
                self.setUp()
                self.given_topic_with_policy()
                self.existing_subscriptions(GIVEN, {'SubscriptionArn': arn, 'Owner': ACCOUNT, 'Protocol': 'email',
                                                    'Endpoint': 'secops@example.com', 'TopicArn': GIVEN})
                self.assertIs(self.prepare(TopicArn=GIVEN, SubscriptionEndpoint='secops@example.com')['Subscribed'], False)

    def test_endpoint_on_a_later_page_is_found_past_a_confirmed_subscription(self):
        self.given_topic_with_policy()
        self.sns().add_response('list_subscriptions_by_topic', {'NextToken': 'p2', 'Subscriptions': [
            {'SubscriptionArn': GIVEN + ':1', 'Owner': ACCOUNT, 'Protocol': 'email', 'Endpoint': 'oncall@example.com', 'TopicArn': GIVEN}]},
            {'TopicArn': GIVEN})
        self.sns().add_response('list_subscriptions_by_topic', {'Subscriptions': [
            {'SubscriptionArn': 'PendingConfirmation', 'Owner': ACCOUNT, 'Protocol': 'email', 'Endpoint': 'secops@example.com', 'TopicArn': GIVEN}]},
            {'TopicArn': GIVEN, 'NextToken': 'p2'})
        self.assertIs(self.prepare(TopicArn=GIVEN, SubscriptionEndpoint='secops@example.com')['Subscribed'], False)

    def test_same_endpoint_over_another_protocol_is_subscribed(self):
        queue = 'arn:aws:sqs:us-east-1:111122223333:alarms'
        self.given_topic_with_policy()
        self.existing_subscriptions(GIVEN, {'SubscriptionArn': GIVEN + ':1', 'Owner': ACCOUNT, 'Protocol': 'lambda',
                                            'Endpoint': queue, 'TopicArn': GIVEN})
        self.sns().add_response('subscribe', {'SubscriptionArn': GIVEN + ':2'}, {'TopicArn': GIVEN, 'Protocol': 'sqs', 'Endpoint': queue})
        self.assertIs(self.prepare(TopicArn=GIVEN, SubscriptionProtocol='sqs', SubscriptionEndpoint=queue)['Subscribed'], True)

    def test_no_endpoint_subscribes_nothing(self):
        self.given_topic_with_policy()
        self.assertIs(self.prepare(TopicArn=GIVEN)['Subscribed'], False)


if __name__ == '__main__':
    unittest.main()
