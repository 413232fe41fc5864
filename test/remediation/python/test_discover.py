"""DiscoverChain/discover: finds the trail's log group and any qualifying filter and alarm, or says what to fix."""
import json
import unittest

from ssm_scripts import ACCOUNT, OTHER_ACCOUNT, REGION, ScriptTestCase, load_document, load_script, payload_keys

LOG_GROUP = 'aws-cloudtrail-logs-111122223333'
LOG_GROUP_ARN = 'arn:aws:logs:%s:%s:log-group:%s:*' % (REGION, ACCOUNT, LOG_GROUP)
TOPIC = 'arn:aws:sns:%s:%s:security-alerts' % (REGION, ACCOUNT)
PARAMETERS = load_document()['parameters']
EVENTS = {name: PARAMETERS[name]['default'] for name in ('Control', 'PatternSource', 'FilterName', 'MetricNamespace', 'MetricName', 'AlarmName',
                                                         'TopicArn', 'TopicName', 'SubscriptionProtocol', 'SubscriptionEndpoint')}
EVENTS['AccountId'] = ACCOUNT
# Empty name parameters (their default) stand for the control's names: for 4.1 the names the runbook always used.
NAMES = {'FilterName': 'unauthorized-api-calls', 'MetricNamespace': 'CISBenchmark', 'MetricName': 'UnauthorizedAPICalls',
         'AlarmName': 'unauthorized-api-calls-alarm'}
BATCH = 50  # logs:TestMetricFilter takes at most 50 messages
# What the runbook has always written on the 4.1 alarms it creates: those alarms stay its own.
DESCRIPTION_41 = 'CIS unauthorized API calls (created by UnauthorizedApiCallsMonitored-Remediation)'


def trail(name='management-events', account=ACCOUNT, home=REGION, multi=True, log_group_arn=LOG_GROUP_ARN, org=False):
    t = {'Name': name, 'S3BucketName': 'trail-bucket-%s' % account, 'IsMultiRegionTrail': multi, 'HomeRegion': home,
         'TrailARN': 'arn:aws:cloudtrail:%s:%s:trail/%s' % (home, account, name), 'IsOrganizationTrail': org,
         'LogFileValidationEnabled': True, 'IncludeGlobalServiceEvents': True}
    if log_group_arn:
        t['CloudWatchLogsLogGroupArn'] = log_group_arn
        t['CloudWatchLogsRoleArn'] = 'arn:aws:iam::%s:role/CloudTrailToLogs' % account
    return t


def metric_filter(name='cis-unauthorized', pattern='{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
                  namespace='LogMetrics', metric='UnauthorizedAPICalls', value='1', **transformation):
    t = {'metricName': metric, 'metricNamespace': namespace, 'metricValue': value}
    t.update(transformation)
    return {'filterName': name, 'filterPattern': pattern, 'metricTransformations': [t], 'creationTime': 1764234902000,
            'logGroupName': LOG_GROUP}


def alarm(name='cis-unauthorized-alarm', namespace='LogMetrics', metric='UnauthorizedAPICalls', actions=(TOPIC,), **over):
    a = {'AlarmName': name, 'AlarmArn': 'arn:aws:cloudwatch:%s:%s:alarm:%s' % (REGION, ACCOUNT, name),
         'ActionsEnabled': True, 'AlarmActions': list(actions), 'Namespace': namespace, 'MetricName': metric,
         'Statistic': 'Sum', 'Dimensions': [], 'Period': 300, 'EvaluationPeriods': 1, 'DatapointsToAlarm': 1,
         'Threshold': 1.0, 'ComparisonOperator': 'GreaterThanOrEqualToThreshold', 'TreatMissingData': 'notBreaching'}
    a.update(over)
    return a


def subscription(topic=TOPIC, confirmed=True, endpoint='secops@example.com'):
    arn = topic + ':7f1c2a9e-3b4d-4e5f-8a6b-9c0d1e2f3a4b' if confirmed else 'PendingConfirmation'
    return {'SubscriptionArn': arn, 'Owner': ACCOUNT, 'Protocol': 'email', 'Endpoint': endpoint, 'TopicArn': topic}


CLASSIC_ALL = {'EventSelectors': [{'ReadWriteType': 'All', 'IncludeManagementEvents': True, 'DataResources': []}]}


class DiscoverCase(ScriptTestCase):
    STEP = 'DiscoverChain'

    # ---- what AWS answers ----

    def caller(self, account=ACCOUNT):
        self.aws.stub('sts').add_response('get_caller_identity', {
            'UserId': 'AROAEXAMPLEROLEID:automation', 'Account': account,
            'Arn': 'arn:aws:sts::%s:assumed-role/AutomationRole/automation' % account}, {})

    def trails(self, *trails):
        self.aws.stub('cloudtrail').add_response('describe_trails', {'trailList': list(trails)}, {'includeShadowTrails': True})

    def status(self, t, logging=True, delivery_error=None):
        response = {'IsLogging': logging}
        if delivery_error:
            response['LatestCloudWatchLogsDeliveryError'] = delivery_error
        self.aws.stub('cloudtrail', t['HomeRegion']).add_response('get_trail_status', response, {'Name': t['TrailARN']})

    def selectors(self, t, selectors=None):
        response = dict(selectors if selectors is not None else CLASSIC_ALL, TrailARN=t['TrailARN'])
        self.aws.stub('cloudtrail', t['HomeRegion']).add_response('get_event_selectors', response, {'TrailName': t['TrailARN']})

    def good_trail(self, t=None):
        t = t or trail()
        self.caller()
        self.trails(t)
        self.status(t)
        self.selectors(t)
        return t

    def trail_with_accepted_filter(self, f):
        """A qualifying trail whose log group holds `f` alone, which AWS's TestMetricFilter accepts on the witnesses."""
        self.good_trail()
        self.filters(f)
        self.accepted(f)
        return f

    def filters(self, *filters):
        self.aws.stub('logs').add_response('describe_metric_filters', {'metricFilters': list(filters)}, {'logGroupName': LOG_GROUP})

    def cis_pattern(self, control='unauthorized-api-calls'):
        return self.script.CONTROLS['controls'][control]['patterns']['cis']

    def must_match(self, control='unauthorized-api-calls'):
        return self.script.witnesses(control)[0]

    def must_not_match(self, control='unauthorized-api-calls'):
        return self.script.witnesses(control)[1]

    def witness_messages(self, control='unauthorized-api-calls'):
        return [json.dumps(r) for r in self.must_match(control) + self.must_not_match(control)]

    def answered(self, pattern, matched, control='unauthorized-api-calls', batches=None):
        """logs:TestMetricFilter on the witness records, in batches of 50, answers with the given 1-based event numbers
        (of all the records); `batches` stops after that many calls (a refused pattern is not tried again)."""
        messages = self.witness_messages(control)
        starts = list(range(0, len(messages), BATCH))[:batches]
        for start in starts:
            self.aws.stub('logs').add_response(
                'test_metric_filter',
                {'matches': [{'eventNumber': n - start, 'eventMessage': messages[n - 1], 'extractedValues': {}}
                             for n in matched if start < n <= start + BATCH]},
                {'filterPattern': pattern, 'logEventMessages': messages[start:start + BATCH]})

    def accepted(self, f, control='unauthorized-api-calls'):
        self.answered(f['filterPattern'], range(1, len(self.must_match(control)) + 1), control)

    def alarms_for(self, namespace, metric, *alarms):
        self.aws.stub('cloudwatch').add_response('describe_alarms_for_metric', {'MetricAlarms': list(alarms)},
                                                 {'Namespace': namespace, 'MetricName': metric})

    def math_alarms(self, *alarms):
        """cloudwatch:DescribeAlarms, read for metric-math alarms only when no standard alarm qualifies."""
        self.aws.stub('cloudwatch').add_response('describe_alarms', {'MetricAlarms': list(alarms)}, {'AlarmTypes': ['MetricAlarm']})

    def subscriptions(self, topic, *subscriptions):
        self.aws.stub('sns', topic.split(':')[3]).add_response('list_subscriptions_by_topic', {'Subscriptions': list(subscriptions)},
                                                               {'TopicArn': topic})

    def alarm_named(self, name, *alarms):
        self.aws.stub('cloudwatch').add_response('describe_alarms', {'MetricAlarms': list(alarms)}, {'AlarmNames': [name]})

    def discover(self, **events):
        return self.run_handler('discover', dict(EVENTS, **events))

    def fails(self, *fragments):
        return self.assertFails('discover', dict(EVENTS), *fragments)


class TrailDiscoveryTest(DiscoverCase):
    def test_caller_account_must_be_the_account_to_remediate(self):
        self.caller(OTHER_ACCOUNT)
        self.fails('runs in account %s, not %s' % (OTHER_ACCOUNT, ACCOUNT))

    def test_no_trail(self):
        self.caller()
        self.trails()
        message = self.fails('No trail qualifies', 'fix this first', 'no CloudTrail trail in this account and region')
        self.assertNotIn('None', message)

    def test_single_region_trail_only(self):
        self.caller()
        self.trails(trail(name='regional', multi=False))
        self.fails('trail regional is single-region')

    def test_organization_trail_of_another_account(self):
        self.caller()
        self.trails(trail(name='org-trail', account=OTHER_ACCOUNT, org=True))
        self.fails('trail org-trail is an organization trail owned by account %s; remediate it there' % OTHER_ACCOUNT)

    def test_trail_not_logging(self):
        t = trail()
        self.caller()
        self.trails(t)
        self.status(t, logging=False)
        self.fails('trail management-events is not logging')

    def test_trail_without_all_management_events(self):
        t = trail()
        self.caller()
        self.trails(t)
        self.status(t)
        self.selectors(t, {'EventSelectors': [{'ReadWriteType': 'WriteOnly', 'IncludeManagementEvents': True}]})
        self.fails('trail management-events does not record all management events')

    def test_trail_without_cloudwatch_logs(self):
        t = trail(log_group_arn=None)
        self.caller()
        self.trails(t)
        self.status(t)
        self.selectors(t)
        self.fails('trail management-events does not deliver to CloudWatch Logs')

    def test_trail_failing_to_deliver(self):
        t = trail()
        self.caller()
        self.trails(t)
        self.status(t, delivery_error='AccessDeniedException: role cannot write')
        self.selectors(t)
        self.fails('trail management-events fails to deliver to CloudWatch Logs')

    def test_log_group_in_another_account(self):
        t = trail(log_group_arn='arn:aws:logs:%s:%s:log-group:central:*' % (REGION, OTHER_ACCOUNT))
        self.good_trail(t)
        self.fails('delivers to a log group in account %s' % OTHER_ACCOUNT)

    def test_log_group_in_another_region(self):
        t = trail(home='eu-west-1', log_group_arn='arn:aws:logs:eu-west-1:%s:log-group:%s:*' % (ACCOUNT, LOG_GROUP))
        self.good_trail(t)
        self.fails('delivers to log group %s in eu-west-1; run this remediation in eu-west-1' % LOG_GROUP)

    def test_every_problem_is_listed(self):
        self.caller()
        self.trails(trail(name='regional', multi=False), trail(name='org-trail', account=OTHER_ACCOUNT, org=True))
        self.fails('trail regional is single-region; trail org-trail is an organization trail')

    def test_own_trail_preferred_over_organization_trail(self):
        org = trail(name='a-org-trail', account=OTHER_ACCOUNT, org=True)
        own = trail(name='z-own')
        self.caller()
        self.trails(org, own)
        self.status(own)
        self.selectors(own)
        self.filters()
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover()
        self.assertEqual(plan['TrailName'], 'z-own')

    def test_first_qualifying_trail_after_a_broken_one(self):
        broken, good = trail(name='a-stopped'), trail(name='b-good')
        self.caller()
        self.trails(broken, good)
        self.status(broken, logging=False)
        self.status(good)
        self.selectors(good)
        self.filters()
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['TrailName'], 'b-good')

    def test_advanced_selectors_qualify(self):
        t = trail()
        self.caller()
        self.trails(t)
        self.status(t)
        self.selectors(t, {'AdvancedEventSelectors': [
            {'Name': 'Management events', 'FieldSelectors': [
                {'Field': 'eventCategory', 'Equals': ['Management']},
                {'Field': 'eventSource', 'NotEquals': ['kms.amazonaws.com']}]}]})
        self.filters()
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['LogGroupName'], LOG_GROUP)


class ManagementEventsTest(unittest.TestCase):
    """records_all_management_events mirrors managementEventCoverage in rule/chain.ts."""

    @classmethod
    def setUpClass(cls):
        cls.records = staticmethod(load_script('DiscoverChain').records_all_management_events)

    def advanced(self, *selectors):
        return {'AdvancedEventSelectors': [{'Name': 's%d' % i, 'FieldSelectors': fs} for i, fs in enumerate(selectors)]}

    MANAGEMENT = {'Field': 'eventCategory', 'Equals': ['Management']}

    def test_table(self):
        m = self.MANAGEMENT
        cases = [
            ('no selectors', {}, True),
            ('empty classic list', {'EventSelectors': []}, True),
            ('classic defaults', {'EventSelectors': [{}]}, True),
            ('classic All', CLASSIC_ALL, True),
            ('classic All without management events', {'EventSelectors': [{'ReadWriteType': 'All', 'IncludeManagementEvents': False}]}, False),
            ('classic ReadOnly', {'EventSelectors': [{'ReadWriteType': 'ReadOnly'}]}, False),
            ('classic WriteOnly', {'EventSelectors': [{'ReadWriteType': 'WriteOnly'}]}, False),
            ('classic ReadOnly + WriteOnly', {'EventSelectors': [{'ReadWriteType': 'ReadOnly'}, {'ReadWriteType': 'WriteOnly'}]}, True),
            ('classic ReadOnly + WriteOnly without management events',
             {'EventSelectors': [{'ReadWriteType': 'ReadOnly'}, {'ReadWriteType': 'WriteOnly', 'IncludeManagementEvents': False}]}, False),
            ('classic data-only selector next to All', {'EventSelectors': [
                {'ReadWriteType': 'All', 'IncludeManagementEvents': False,
                 'DataResources': [{'Type': 'AWS::S3::Object', 'Values': ['arn:aws:s3']}]},
                {'ReadWriteType': 'All', 'IncludeManagementEvents': True}]}, True),
            ('advanced Management', self.advanced([m]), True),
            ('advanced Management excluding a source', self.advanced([m, {'Field': 'eventSource', 'NotEquals': ['kms.amazonaws.com']}]), True),
            ('advanced Management excluding a source prefix', self.advanced([m, {'Field': 'eventSource', 'NotStartsWith': ['rds']}]), True),
            ('advanced Management of one source', self.advanced([m, {'Field': 'eventSource', 'Equals': ['iam.amazonaws.com']}]), False),
            ('advanced Management of sources ending in', self.advanced([m, {'Field': 'eventSource', 'EndsWith': ['.amazonaws.com']}]), False),
            ('advanced read-only Management', self.advanced([m, {'Field': 'readOnly', 'Equals': ['true']}]), False),
            ('advanced write Management', self.advanced([m, {'Field': 'readOnly', 'Equals': ['false']}]), False),
            ('advanced Management of one user',
             self.advanced([m, {'Field': 'userIdentity.arn', 'Equals': ['arn:aws:iam::111122223333:user/a']}]), False),
            ('advanced data events only', self.advanced([{'Field': 'eventCategory', 'Equals': ['Data']},
                                                         {'Field': 'resources.type', 'Equals': ['AWS::S3::Object']}]), False),
            ('advanced data and Management', self.advanced([{'Field': 'eventCategory', 'Equals': ['Data']},
                                                            {'Field': 'resources.type', 'Equals': ['AWS::S3::Object']}], [m]), True),
        ]
        for name, selectors, expected in cases:
            with self.subTest(name):
                self.assertIs(self.records(selectors), expected)

    def test_advanced_read_and_write_in_two_selectors(self):
        # Two advanced Management selectors, one readOnly true and one readOnly false, together record every
        # management event, as managementEventCoverage in rule/chain.ts accepts.
        m = self.MANAGEMENT
        selectors = self.advanced([m, {'Field': 'readOnly', 'Equals': ['true']}], [m, {'Field': 'readOnly', 'Equals': ['false']}])
        self.assertIs(self.records(selectors), True)


class FilterAndAlarmDiscoveryTest(DiscoverCase):
    def test_selected_payload_keys_are_returned(self):
        self.good_trail()
        self.filters()
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover()
        for key in payload_keys('DiscoverChain'):
            self.assertIn(key, plan)

    def test_no_filter_creates_the_cis_filter_and_alarm(self):
        self.good_trail()
        self.filters()
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover()
        self.assertEqual(plan, {
            'TrailName': 'management-events', 'LogGroupName': LOG_GROUP, 'FilterAction': 'create',
            'FilterName': NAMES['FilterName'], 'MetricNamespace': NAMES['MetricNamespace'], 'MetricName': NAMES['MetricName'],
            'AlarmAction': 'create', 'AlarmName': NAMES['AlarmName'], 'FilterPattern': self.cis_pattern(),
            'AlarmDescription': DESCRIPTION_41, 'TopicAction': 'create', 'TopicArn': 'arn:aws:sns:%s:%s:%s' % (REGION, ACCOUNT, EVENTS['TopicName']),
            'Compliant': False})

    def test_cis_pattern_is_the_grouped_form(self):
        self.assertEqual(self.cis_pattern(),
                         '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
                         '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }')

    def test_accepted_filter_and_qualifying_alarm_is_compliant_without_writes(self):
        f = self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.subscriptions(TOPIC, subscription())
        # No describe_alarms, no write of any kind is stubbed: any such call fails the test.
        plan = self.discover()
        self.assertIs(plan['Compliant'], True)
        self.assertEqual((plan['FilterAction'], plan['FilterName'], plan['FilterPattern']), ('keep', 'cis-unauthorized', f['filterPattern']))
        self.assertEqual((plan['MetricNamespace'], plan['MetricName']), ('LogMetrics', 'UnauthorizedAPICalls'))
        self.assertEqual((plan['AlarmAction'], plan['AlarmName']), ('keep', 'cis-unauthorized-alarm'))

    def test_accepted_filter_without_alarm_creates_the_alarm(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls')
        self.math_alarms()
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover()
        self.assertEqual((plan['FilterAction'], plan['FilterName']), ('keep', 'cis-unauthorized'))
        self.assertEqual((plan['MetricNamespace'], plan['MetricName']), ('LogMetrics', 'UnauthorizedAPICalls'))
        self.assertEqual((plan['AlarmAction'], plan['AlarmName']), ('create', NAMES['AlarmName']))
        self.assertIs(plan['Compliant'], False)

    def test_alarm_with_only_a_pending_subscription_is_reused_with_its_topic(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.subscriptions(TOPIC, subscription(confirmed=False))
        self.math_alarms()
        # No describe_alarms by name: nothing is created, so no name is checked.
        plan = self.discover()
        self.assertEqual({k: plan[k] for k in ('FilterAction', 'AlarmAction', 'AlarmName', 'TopicAction', 'TopicArn', 'Compliant')},
                         {'FilterAction': 'keep', 'AlarmAction': 'reuse', 'AlarmName': 'cis-unauthorized-alarm', 'TopicAction': 'use',
                          'TopicArn': TOPIC, 'Compliant': False})

    def test_alarm_notifying_the_given_topic_is_reused(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.subscriptions(TOPIC)
        self.math_alarms()
        plan = self.discover(TopicArn=TOPIC)
        self.assertEqual((plan['AlarmAction'], plan['TopicArn']), ('reuse', TOPIC))

    def test_alarm_notifying_another_topic_than_the_given_one_is_not_reused(self):
        given = 'arn:aws:sns:%s:%s:given' % (REGION, ACCOUNT)
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.subscriptions(TOPIC)
        self.math_alarms()
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover(TopicArn=given)
        self.assertEqual((plan['AlarmAction'], plan['TopicAction'], plan['TopicArn']), ('create', 'use', given))

    def test_alarm_notifying_only_a_topic_of_another_account_or_region_is_not_reused(self):
        # PrepareTopic could not subscribe to it or let CloudWatch publish to it.
        for topic in ('arn:aws:sns:%s:%s:central' % (REGION, OTHER_ACCOUNT), 'arn:aws:sns:eu-west-1:%s:alerts' % ACCOUNT):
            with self.subTest(topic):
                self.setUp()
                self.trail_with_accepted_filter(metric_filter())
                self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm(actions=(topic,)))
                self.subscriptions(topic, subscription(topic=topic, confirmed=False))
                self.math_alarms()
                self.alarm_named(NAMES['AlarmName'])
                self.assertEqual(self.discover()['AlarmAction'], 'create')

    def test_alarm_that_does_not_fire_on_one_call_is_not_reused(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm(Threshold=5.0))
        self.math_alarms()
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['AlarmAction'], 'create')

    def test_metric_math_alarm_with_a_confirmed_topic_is_kept_over_a_reusable_standard_alarm(self):
        f = metric_filter()
        math = alarm(name='uac-math', Metrics=[
            {'Id': 'm1', 'ReturnData': True, 'MetricStat': {'Metric': {'Namespace': 'LogMetrics', 'MetricName': 'UnauthorizedAPICalls'},
                                                            'Period': 300, 'Stat': 'Sum'}}])
        for key in ('Namespace', 'MetricName', 'Statistic', 'Dimensions'):
            math.pop(key, None)
        confirmed_topic = 'arn:aws:sns:%s:%s:math-alerts' % (REGION, ACCOUNT)
        math['AlarmActions'] = [confirmed_topic]
        self.good_trail()
        self.filters(f)
        self.accepted(f)
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.subscriptions(TOPIC, subscription(confirmed=False))
        self.math_alarms(math)
        self.subscriptions(confirmed_topic, subscription(topic=confirmed_topic))
        plan = self.discover()
        self.assertEqual((plan['AlarmAction'], plan['AlarmName'], plan['Compliant']), ('keep', 'uac-math', True))

    def test_subscriptions_are_read_up_to_the_first_page_with_a_confirmed_one(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        sns = self.aws.stub('sns')
        sns.add_response('list_subscriptions_by_topic', {'Subscriptions': [subscription(confirmed=False)], 'NextToken': 'p2'},
                         {'TopicArn': TOPIC})
        sns.add_response('list_subscriptions_by_topic', {'Subscriptions': [subscription(), subscription(confirmed=False)], 'NextToken': 'p3'},
                         {'TopicArn': TOPIC, 'NextToken': 'p2'})
        # No third page is stubbed: reading it fails the test.
        self.assertIs(self.discover()['Compliant'], True)

    def test_alarm_with_actions_disabled_does_not_qualify(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm(ActionsEnabled=False))
        self.math_alarms()
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['AlarmAction'], 'create')

    def test_metric_math_alarm_qualifies_when_no_standard_alarm_does(self):
        f = metric_filter()
        math = alarm(name='uac-math', Metrics=[
            {'Id': 'm1', 'ReturnData': False, 'MetricStat': {'Metric': {'Namespace': 'LogMetrics', 'MetricName': 'UnauthorizedAPICalls'},
                                                             'Period': 300, 'Stat': 'Sum'}},
            {'Id': 'e1', 'Expression': 'FILL(m1, 0)', 'ReturnData': True}])
        for key in ('Namespace', 'MetricName', 'Statistic', 'Dimensions'):
            math.pop(key, None)
        self.good_trail()
        self.filters(f)
        self.accepted(f)
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls')
        self.math_alarms(math)
        self.subscriptions(TOPIC, subscription())
        plan = self.discover()
        self.assertEqual((plan['AlarmAction'], plan['AlarmName'], plan['Compliant']), ('keep', 'uac-math', True))

    def test_alarm_whose_topic_was_deleted_does_not_qualify(self):
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm())
        self.aws.stub('sns').add_client_error('list_subscriptions_by_topic', service_error_code='NotFound',
                                              service_message='Topic does not exist', http_status_code=404)
        self.math_alarms()
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['AlarmAction'], 'create')

    def test_alarm_topic_in_another_region_is_read_there(self):
        topic = 'arn:aws:sns:eu-west-1:%s:alerts' % ACCOUNT
        self.trail_with_accepted_filter(metric_filter())
        self.alarms_for('LogMetrics', 'UnauthorizedAPICalls', alarm(actions=('arn:aws:automate:us-east-1:ec2:stop', topic)))
        self.subscriptions(topic, subscription(topic=topic))
        self.assertIs(self.discover()['Compliant'], True)

    def test_later_accepted_filter_with_an_alarm_is_preferred(self):
        first, second = metric_filter(name='a-filter', metric='A'), metric_filter(name='b-filter', metric='B')
        self.good_trail()
        self.filters(second, first)
        self.accepted(first)
        self.accepted(second)
        self.alarms_for('LogMetrics', 'A')
        self.math_alarms()
        self.alarms_for('LogMetrics', 'B', alarm(name='b-alarm', metric='B'))
        self.subscriptions(TOPIC, subscription())
        plan = self.discover()
        self.assertEqual((plan['FilterName'], plan['MetricName'], plan['AlarmName'], plan['Compliant']), ('b-filter', 'B', 'b-alarm', True))

    def test_filter_matching_successful_calls_is_not_kept(self):
        f = metric_filter(pattern='{ $.eventVersion = * }')
        self.good_trail()
        self.filters(f)
        self.answered(f['filterPattern'], range(1, len(self.must_match()) + len(self.must_not_match()) + 1))
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['FilterAction'], 'create')

    def test_filter_missing_an_unauthorized_call_is_not_kept(self):
        f = metric_filter(pattern='{ $.errorCode = "AccessDenied*" }')
        self.good_trail()
        self.filters(f)
        self.answered(f['filterPattern'], [2, 3])
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['FilterAction'], 'create')

    def test_filter_aws_refuses_to_test_is_not_kept(self):
        f = metric_filter(pattern='{ $.errorCode = "AccessDenied*" ')
        self.good_trail()
        self.filters(f)
        self.aws.stub('logs').add_client_error('test_metric_filter', service_error_code='InvalidParameterException',
                                               service_message='Invalid metric filter pattern', http_status_code=400)
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['FilterAction'], 'create')

    def test_filter_without_a_usable_metric_is_not_tested(self):
        # metric_of refuses these before logs:TestMetricFilter is asked (no test_metric_filter is stubbed).
        self.good_trail()
        self.filters(metric_filter(name='f1', value='$.count'), metric_filter(name='f2', value='0'),
                     metric_filter(name='f3', dimensions={'User': '$.userIdentity.arn'}))
        self.alarm_named(NAMES['AlarmName'])
        self.assertEqual(self.discover()['FilterAction'], 'create')

    def test_filter_name_taken_by_a_filter_that_does_not_qualify(self):
        f = metric_filter(name=NAMES['FilterName'], pattern='{ $.errorCode = "AccessDenied*" }')
        self.good_trail()
        self.filters(f)
        self.answered(f['filterPattern'], [2, 3])
        self.fails('A metric filter named %s already exists on %s and does not catch unauthorized calls' % (NAMES['FilterName'], LOG_GROUP),
                   'choose another FilterName')

    def test_good_filter_sharing_its_metric_with_a_noisy_filter_is_not_kept(self):
        # Both feed LogMetrics/UnauthorizedAPICalls: an alarm there would fire on every successful call too.
        good = metric_filter(name='a-good')
        noisy = metric_filter(name='b-legacy-cis-1.3', pattern='{ $.errorCode = "AccessDenied*" || $.eventName != "HeadBucket" }')
        self.good_trail()
        self.filters(good, noisy)
        self.accepted(good)
        self.answered(noisy['filterPattern'], range(1, len(self.must_match()) + len(self.must_not_match())))
        self.alarm_named(NAMES['AlarmName'])
        plan = self.discover()
        self.assertEqual((plan['FilterAction'], plan['MetricNamespace'], plan['MetricName']),
                         ('create', NAMES['MetricNamespace'], NAMES['MetricName']))

    def test_metric_to_create_already_fed_by_another_filter(self):
        f = metric_filter(name='legacy', pattern='{ $.errorCode = "AccessDenied*" }', namespace=NAMES['MetricNamespace'],
                          metric=NAMES['MetricName'])
        self.good_trail()
        self.filters(f)
        self.answered(f['filterPattern'], [2, 3])
        self.fails('Metric %s/%s is already fed by filter legacy' % (NAMES['MetricNamespace'], NAMES['MetricName']),
                   'choose another MetricName')

    def test_filter_name_taken_by_a_filter_with_dimensions(self):
        self.good_trail()
        self.filters(metric_filter(name=NAMES['FilterName'], dimensions={'User': '$.userIdentity.arn'}))
        self.fails('A metric filter named %s already exists' % NAMES['FilterName'])

    def test_alarm_name_taken_by_an_alarm_the_runbook_did_not_create(self):
        self.good_trail()
        self.filters()
        self.alarm_named(NAMES['AlarmName'], alarm(name=NAMES['AlarmName'], AlarmDescription='Hand-made alarm'))
        self.fails('An alarm named %s already exists and was not created by this runbook' % NAMES['AlarmName'], 'choose another AlarmName')

    def test_alarm_name_taken_by_an_alarm_without_description(self):
        self.good_trail()
        self.filters()
        self.alarm_named(NAMES['AlarmName'], alarm(name=NAMES['AlarmName']))
        self.fails('An alarm named %s already exists' % NAMES['AlarmName'])

    def test_alarm_the_runbook_created_may_be_written_again(self):
        self.good_trail()
        self.filters()
        self.alarm_named(NAMES['AlarmName'], alarm(name=NAMES['AlarmName'], AlarmDescription=DESCRIPTION_41, ActionsEnabled=False))
        self.assertEqual(self.discover()['AlarmAction'], 'create')

    def test_given_names_are_used(self):
        self.good_trail()
        self.filters()
        self.alarm_named('my-alarm')
        plan = self.discover(FilterName='my-filter', MetricNamespace='MyNs', MetricName='MyMetric', AlarmName='my-alarm')
        self.assertEqual((plan['FilterName'], plan['MetricNamespace'], plan['MetricName'], plan['AlarmName']),
                         ('my-filter', 'MyNs', 'MyMetric', 'my-alarm'))


class ControlTest(DiscoverCase):
    """Another control than 4.1: its names, pattern, alarm description, trail needs and witnesses."""

    def test_empty_names_are_the_controls_own(self):
        self.good_trail()
        self.filters()
        self.alarm_named('root-usage-alarm')
        plan = self.discover(Control='root-usage')
        self.assertEqual({k: plan[k] for k in ('FilterName', 'MetricNamespace', 'MetricName', 'AlarmName', 'FilterPattern', 'AlarmDescription')}, {
            'FilterName': 'root-usage', 'MetricNamespace': 'CISBenchmark', 'MetricName': 'RootAccountUsage', 'AlarmName': 'root-usage-alarm',
            'FilterPattern': self.cis_pattern('root-usage'),
            'AlarmDescription': 'CIS usage of the "root" account (created by UnauthorizedApiCallsMonitored-Remediation)'})

    def test_an_alarm_of_another_control_is_not_taken_for_its_own(self):
        self.good_trail()
        self.filters()
        self.alarm_named('root-usage-alarm', alarm(name='root-usage-alarm', AlarmDescription=DESCRIPTION_41))
        self.assertFails('discover', dict(EVENTS, Control='root-usage'),
                         'An alarm named root-usage-alarm already exists and was not created by this runbook')

    def test_a_trail_excluding_the_controls_source_does_not_qualify(self):
        classic = {'ReadWriteType': 'All', 'IncludeManagementEvents': True, 'ExcludeManagementEventSources': ['kms.amazonaws.com']}
        advanced = {'Name': 'no kms', 'FieldSelectors': [{'Field': 'eventCategory', 'Equals': ['Management']},
                                                         {'Field': 'eventSource', 'NotEquals': ['kms.amazonaws.com']}]}
        for selectors in ({'EventSelectors': [classic]}, {'AdvancedEventSelectors': [advanced]}):
            with self.subTest(selectors=selectors):
                self.setUp()
                t = trail()
                self.caller()
                self.trails(t)
                self.status(t)
                self.selectors(t, selectors)
                self.assertFails('discover', dict(EVENTS, Control='cmk-disable-or-scheduled-deletion'),
                                 'trail management-events excludes management events of kms.amazonaws.com')

    def test_witnesses_are_tested_in_batches_of_50_and_a_match_in_a_later_batch_counts(self):
        must, must_not = self.must_match('root-usage'), self.must_not_match('root-usage')
        self.assertGreater(len(must) + len(must_not), 2 * BATCH)
        # The pattern also matches the last ceiling record (an Organizations call by a role), in the last batch.
        self.assertEqual(must_not[-1]['eventName'], 'UpdateOrganizationalUnit')
        f = metric_filter(pattern='{ $.userIdentity.type = "Root" || $.eventName = "UpdateOrganizationalUnit" }')
        self.good_trail()
        self.filters(f)
        last = len(must) + len(must_not)
        self.answered(f['filterPattern'], list(range(1, len(must) + 1)) + [last], control='root-usage')
        self.alarm_named('root-usage-alarm')
        self.assertEqual(self.discover(Control='root-usage')['FilterAction'], 'create')

    def test_security_hub_text_is_refused_where_it_misses_what_cis_added(self):
        self.caller()
        self.assertFails('discover', dict(EVENTS, Control='security-group-changes', PatternSource='securityhub'),
                         'security-group-changes has no Security Hub pattern')


class SubscriptionEndpointTest(DiscoverCase):
    """discover refuses a SubscriptionEndpoint SNS must not be asked to subscribe, before any read or write."""

    GOOD = [
        ('email', 'secops@example.com'), ('email', 'first.last+cis@sub.example.co.uk'), ('email', "o'brien@example.org"),
        ('https', 'https://hooks.example.com/alarm?x=1&y=%20'), ('https', 'https://user:pass@hooks.example.com:8443/a'),
        ('sqs', 'arn:aws:sqs:us-east-1:%s:alarms' % ACCOUNT), ('sqs', 'arn:aws:sqs:eu-west-1:%s:alarms.fifo' % ACCOUNT),
        ('lambda', 'arn:aws:lambda:us-east-1:%s:function:notify' % ACCOUNT),
        ('lambda', 'arn:aws:lambda:us-west-2:%s:function:notify:live' % ACCOUNT),
    ]
    BAD = [
        ('email', 'secops\u0001@example.com', 'is not an email address'),
        ('email', 'secops@example.com\n', 'is not an email address'),
        ('email', 'secops@localhost', 'is not an email address'),
        ('email', 'sec ops@example.com', 'is not an email address'),
        ('email', 'https://hooks.example.com/alarm', 'is not an email address'),
        ('https', 'http://hooks.example.com/alarm', 'is not an https URL'),
        ('https', 'https://', 'is not an https URL'),
        ('https', 'https://hooks.example.com:port/', 'is not an https URL'),
        ('https', 'https://hooks.example.com/a\u0007', 'is not an https URL'),
        ('https', 'secops@example.com', 'is not an https URL'),
        ('sqs', 'arn:aws:sqs:us-east-1:%s:alarms' % OTHER_ACCOUNT, 'is in account %s, not %s' % (OTHER_ACCOUNT, ACCOUNT)),
        ('sqs', 'arn:aws-cn:sqs:cn-north-1:%s:alarms' % ACCOUNT, 'is in partition aws-cn, not aws'),
        ('sqs', 'arn:aws:lambda:us-east-1:%s:function:notify' % ACCOUNT, 'is not an SQS queue ARN'),
        ('sqs', 'arn:aws:sqs:us-east-1:%s:%s' % (ACCOUNT, 'q' * 81), 'is not an SQS queue ARN'),
        ('lambda', 'arn:aws:lambda:us-east-1:%s:function:notify' % OTHER_ACCOUNT, 'is in account %s' % OTHER_ACCOUNT),
        ('lambda', 'arn:aws:sqs:us-east-1:%s:alarms' % ACCOUNT, 'is not a Lambda function ARN'),
    ]

    def test_bad_endpoints_are_refused_after_the_caller_check_only(self):
        for protocol, endpoint, fragment in self.BAD:
            with self.subTest(protocol=protocol, endpoint=endpoint):
                self.setUp()
                self.caller()
                # Only sts:GetCallerIdentity is stubbed: any further call (trails, filters, alarms) fails the test.
                with self.assertRaises(self.script.RemediationError) as caught:
                    self.script.discover(dict(EVENTS, SubscriptionProtocol=protocol, SubscriptionEndpoint=endpoint), None)
                self.assertIn('SubscriptionEndpoint %s %s' % (json.dumps(endpoint), fragment), str(caught.exception))
                self.assertIn('nothing was changed', str(caught.exception))
                self.aws.assert_all_called()

    def test_good_endpoints_pass(self):
        for protocol, endpoint in self.GOOD:
            with self.subTest(protocol=protocol, endpoint=endpoint):
                self.assertIsNone(self.script.endpoint_problem(protocol, endpoint, 'aws', ACCOUNT))

    def test_partition_is_the_callers(self):
        gov = 'arn:aws-us-gov:sqs:us-gov-west-1:%s:alarms' % ACCOUNT
        self.assertIsNone(self.script.endpoint_problem('sqs', gov, 'aws-us-gov', ACCOUNT))
        self.assertIn('is in partition aws-us-gov, not aws', self.script.endpoint_problem('sqs', gov, 'aws', ACCOUNT))

    def test_the_parameter_pattern_lets_through_every_good_endpoint_and_no_control_character(self):
        import re
        pattern = PARAMETERS['SubscriptionEndpoint']['allowedPattern']
        for _protocol, endpoint in self.GOOD:
            with self.subTest(endpoint):
                self.assertIsNotNone(re.search(pattern, endpoint, re.ASCII))
        for endpoint in ('secops\u0001@example.com', 'https://hooks.example.com/a\u0007', 'sec ops@example.com'):
            with self.subTest(endpoint):
                self.assertIsNone(re.search(pattern, endpoint, re.ASCII))


class AlarmFiresTest(unittest.TestCase):
    """alarm_fires mirrors checkAlarmFires in rule/chain.ts: does one matching call set the alarm off?"""

    @classmethod
    def setUpClass(cls):
        script = load_script('DiscoverChain')
        cls.fires = staticmethod(script.alarm_fires)
        cls.metric_of = staticmethod(script.metric_of)

    def check(self, cases):
        for name, over, transformation, expected in cases:
            t = {'metricName': 'UnauthorizedAPICalls', 'metricNamespace': 'LogMetrics', 'metricValue': '1'}
            t.update(transformation)
            a = alarm(**over)
            for key in [k for k, v in over.items() if v is None]:
                del a[key]
            with self.subTest(name):
                self.assertIs(self.fires(a, t), expected)

    def test_statistics_and_default_values(self):
        self.check([
            ('Sum >= 1', {}, {}, True),
            ('Sum > 0', {'Threshold': 0.0, 'ComparisonOperator': 'GreaterThanThreshold'}, {}, True),
            ('Sum > 1', {'ComparisonOperator': 'GreaterThanThreshold'}, {}, False),
            ('Sum >= 2', {'Threshold': 2.0}, {}, False),
            ('Sum >= 5, value 5', {'Threshold': 5.0}, {'metricValue': '5'}, True),
            ('Sum, default 0', {}, {'defaultValue': 0.0}, True),
            ('Sum, default -1', {}, {'defaultValue': -1.0}, False),
            ('SampleCount >= 1', {'Statistic': 'SampleCount'}, {'defaultValue': 0.0}, True),
            ('SampleCount >= 2', {'Statistic': 'SampleCount', 'Threshold': 2.0}, {}, False),
            ('Average, no default', {'Statistic': 'Average'}, {}, True),
            ('Average, default 0', {'Statistic': 'Average'}, {'defaultValue': 0.0}, False),
            ('Average > 0, default 0', {'Statistic': 'Average', 'Threshold': 0.0, 'ComparisonOperator': 'GreaterThanThreshold'},
             {'defaultValue': 0.0}, False),
            ('Average >= 5, value 5, default 0', {'Statistic': 'Average', 'Threshold': 5.0}, {'metricValue': '5', 'defaultValue': 0.0}, False),
            ('Maximum, default 0', {'Statistic': 'Maximum'}, {'defaultValue': 0.0}, True),
            ('Minimum, no default', {'Statistic': 'Minimum'}, {}, True),
            ('Minimum, default 0', {'Statistic': 'Minimum'}, {'defaultValue': 0.0}, False),
            ('p100, default 0', {'Statistic': None, 'ExtendedStatistic': 'p100'}, {'defaultValue': 0.0}, True),
            ('p99, default 0', {'Statistic': None, 'ExtendedStatistic': 'p99'}, {'defaultValue': 0.0}, False),
            ('p99, no default', {'Statistic': None, 'ExtendedStatistic': 'p99'}, {}, True),
        ])

    def test_threshold_and_comparison(self):
        self.check([
            ('LessThanThreshold', {'ComparisonOperator': 'LessThanThreshold'}, {}, False),
            ('LessThanOrEqualToThreshold', {'ComparisonOperator': 'LessThanOrEqualToThreshold'}, {}, False),
            ('anomaly detection band', {'Threshold': None, 'ThresholdMetricId': 'ad1',
                                        'ComparisonOperator': 'GreaterThanUpperThreshold'}, {}, False),
            ('no threshold', {'Threshold': None}, {}, False),
        ])

    def test_datapoints_and_missing_data(self):
        self.check([
            ('1 of 1', {}, {}, True),
            ('1 of 3', {'EvaluationPeriods': 3}, {}, True),
            ('3 periods, no DatapointsToAlarm', {'EvaluationPeriods': 3, 'DatapointsToAlarm': None}, {}, False),
            ('1 period, no DatapointsToAlarm', {'DatapointsToAlarm': None}, {}, True),
            ('2 of 3', {'EvaluationPeriods': 3, 'DatapointsToAlarm': 2}, {}, False),
            ('missing data breaching', {'TreatMissingData': 'breaching'}, {}, False),
            ('missing data ignore', {'TreatMissingData': 'ignore'}, {}, True),
            ('missing data missing', {'TreatMissingData': 'missing'}, {}, True),
            ('TreatMissingData absent', {'TreatMissingData': None}, {}, True),
        ])

    def test_unit_and_dimensions(self):
        self.check([
            ('unit Count, metric without unit', {'Unit': 'Count'}, {}, False),
            ('unit Count, metric Count', {'Unit': 'Count'}, {'unit': 'Count'}, True),
            ('unit None, metric without unit', {'Unit': 'None'}, {}, True),
            ('unit Seconds, metric Count', {'Unit': 'Seconds'}, {'unit': 'Count'}, False),
            ('dimensions', {'Dimensions': [{'Name': 'User', 'Value': 'alice'}]}, {}, False),
        ])

    def test_metric_of(self):
        def f(**t):
            return {'metricTransformations': [dict({'metricName': 'M', 'metricNamespace': 'N', 'metricValue': '1'}, **t)]}
        self.assertEqual(self.metric_of(f())['metricName'], 'M')
        self.assertEqual(self.metric_of(f(metricValue='2.5'))['metricValue'], '2.5')
        for name, filt in [('from the record', f(metricValue='$.count')), ('zero', f(metricValue='0')),
                           ('negative', f(metricValue='-1')), ('dimensions', f(dimensions={'User': '$.userIdentity.arn'}))]:
            with self.subTest(name):
                self.assertIsNone(self.metric_of(filt))


if __name__ == '__main__':
    unittest.main()
