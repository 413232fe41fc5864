"""VerifyChain/verify: the filter, the alarm on its metric, and the alarm's SNS topics with their subscriptions."""
import unittest

from ssm_scripts import ACCOUNT, REGION, ScriptTestCase, payload_keys

LOG_GROUP = 'aws-cloudtrail-logs-111122223333'
TOPIC = 'arn:aws:sns:%s:%s:unauthorized-api-calls-alarms' % (REGION, ACCOUNT)
EVENTS = {'LogGroupName': LOG_GROUP, 'FilterName': 'unauthorized-api-calls', 'AlarmName': 'unauthorized-api-calls-alarm'}


def metric_filter(name='unauthorized-api-calls', namespace='CISBenchmark', metric='UnauthorizedAPICalls'):
    return {'filterName': name, 'filterPattern': '{ $.errorCode = * }', 'logGroupName': LOG_GROUP, 'creationTime': 1764234902000,
            'metricTransformations': [{'metricName': metric, 'metricNamespace': namespace, 'metricValue': '1'}]}


def alarm(actions=(TOPIC,), namespace='CISBenchmark', metric='UnauthorizedAPICalls', **over):
    a = {'AlarmName': EVENTS['AlarmName'], 'ActionsEnabled': True, 'AlarmActions': list(actions), 'Namespace': namespace,
         'MetricName': metric, 'Statistic': 'Sum', 'Period': 300, 'EvaluationPeriods': 1, 'Threshold': 1.0,
         'ComparisonOperator': 'GreaterThanOrEqualToThreshold'}
    a.update(over)
    return a


def subscription(topic=TOPIC, confirmed=True, endpoint='secops@example.com'):
    return {'SubscriptionArn': topic + ':0d1e2f3a' if confirmed else 'PendingConfirmation', 'Owner': ACCOUNT,
            'Protocol': 'email', 'Endpoint': endpoint, 'TopicArn': topic}


class VerifyTest(ScriptTestCase):
    STEP = 'VerifyChain'

    def filters(self, *filters):
        self.aws.stub('logs').add_response('describe_metric_filters', {'metricFilters': list(filters)},
                                           {'logGroupName': LOG_GROUP, 'filterNamePrefix': EVENTS['FilterName']})

    def alarms(self, *alarms):
        self.aws.stub('cloudwatch').add_response('describe_alarms', {'MetricAlarms': list(alarms)}, {'AlarmNames': [EVENTS['AlarmName']]})

    def subscriptions(self, topic, *subscriptions):
        self.aws.stub('sns', topic.split(':')[3]).add_response('list_subscriptions_by_topic', {'Subscriptions': list(subscriptions)},
                                                               {'TopicArn': topic})

    def verify(self):
        return self.run_handler('verify', dict(EVENTS))

    def fails(self, *fragments):
        return self.assertFails('verify', dict(EVENTS), *fragments)

    def test_complete_chain_with_a_confirmed_subscription(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        self.subscriptions(TOPIC, subscription(), subscription(confirmed=False, endpoint='oncall@example.com'))
        result = self.verify()
        self.assertEqual(result, {'FilterName': EVENTS['FilterName'], 'AlarmName': EVENTS['AlarmName'], 'Topics': [TOPIC],
                                  'Confirmed': True, 'ConfirmedTopic': TOPIC})

    def test_pending_subscription_is_named_in_what_to_do_next(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        self.subscriptions(TOPIC, subscription(confirmed=False))
        result = self.verify()
        self.assertEqual(result['PendingConfirmation'], ['email subscription of secops@example.com to %s' % TOPIC])
        self.assertEqual(result['Next'], 'Confirm the email subscription of secops@example.com to %s (pending confirmation); until then '
                                         'the rule reports the account NON_COMPLIANT' % TOPIC)
        self.assertIs(result['Confirmed'], False)

    def test_several_pending_subscriptions_are_all_named(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        self.subscriptions(TOPIC, subscription(confirmed=False), subscription(confirmed=False, endpoint='oncall@example.com'))
        self.assertIn('Confirm one of the subscriptions pending confirmation: email subscription of secops@example.com to %s; '
                      'email subscription of oncall@example.com to %s;' % (TOPIC, TOPIC), self.verify()['Next'])

    def test_no_subscription_at_all(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        self.subscriptions(TOPIC)
        result = self.verify()
        self.assertEqual(result['PendingConfirmation'], [])
        self.assertIn('Subscribe an endpoint to %s (SubscriptionEndpoint) and confirm it' % TOPIC, result['Next'])

    def test_every_sns_action_is_read_in_its_region(self):
        other = 'arn:aws:sns:eu-west-1:%s:central-alerts' % ACCOUNT
        self.filters(metric_filter())
        self.alarms(alarm(actions=(TOPIC, 'arn:aws:ssm:us-east-1:111122223333:opsitem:3', other)))
        self.subscriptions(TOPIC, subscription(confirmed=False))
        self.subscriptions(other, subscription(topic=other))
        result = self.verify()
        self.assertEqual((result['Topics'], result['Confirmed'], result['ConfirmedTopic']), ([TOPIC, other], True, other))

    def test_subscriptions_are_read_up_to_the_first_page_with_a_confirmed_one(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        sns = self.aws.stub('sns')
        sns.add_response('list_subscriptions_by_topic', {'Subscriptions': [subscription(confirmed=False)], 'NextToken': 'p2'},
                         {'TopicArn': TOPIC})
        sns.add_response('list_subscriptions_by_topic', {'Subscriptions': [subscription()], 'NextToken': 'p3'},
                         {'TopicArn': TOPIC, 'NextToken': 'p2'})
        # No third page is stubbed: reading it fails the test.
        self.assertIs(self.verify()['Confirmed'], True)

    def test_selected_payload_is_the_result(self):
        self.filters(metric_filter())
        self.alarms(alarm())
        self.subscriptions(TOPIC, subscription())
        result = self.verify()
        for key in payload_keys('VerifyChain'):
            self.assertIn(key, result)

    def test_missing_filter(self):
        self.filters()
        self.fails('Metric filter unauthorized-api-calls is missing on %s' % LOG_GROUP)

    def test_filter_sharing_only_the_prefix_is_missing(self):
        self.filters(metric_filter(name='unauthorized-api-calls-old'))
        self.fails('Metric filter unauthorized-api-calls is missing')

    def test_missing_alarm(self):
        self.filters(metric_filter())
        self.alarms()
        self.fails('Alarm unauthorized-api-calls-alarm is missing')

    def test_alarm_on_another_metric(self):
        self.filters(metric_filter())
        self.alarms(alarm(namespace='LogMetrics'))
        self.fails('Alarm unauthorized-api-calls-alarm does not watch metric CISBenchmark/UnauthorizedAPICalls')

    def test_alarm_with_actions_disabled(self):
        self.filters(metric_filter())
        self.alarms(alarm(ActionsEnabled=False))
        self.fails('Alarm unauthorized-api-calls-alarm has actions disabled')

    def test_alarm_without_sns_action(self):
        for actions in ((), ('arn:aws:automate:us-east-1:ec2:stop',)):
            with self.subTest(actions):
                self.setUp()
                self.filters(metric_filter())
                self.alarms(alarm(actions=actions))
                self.fails('Alarm unauthorized-api-calls-alarm notifies no SNS topic')


if __name__ == '__main__':
    unittest.main()
