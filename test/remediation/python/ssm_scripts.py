"""Loads the inline Python of the remediation document's aws:executeScript steps, and fakes AWS for them.

Each script is exec'd into a fresh module, as SSM runs it. The script's `boto3` is replaced, in that module
only, by a small stand-in whose `client(service, region_name=...)` hands out real botocore clients wrapped in
`botocore.stub.Stubber`, one per (service, region), and whose `session.Session().region_name` is the
automation's region. A call nobody stubbed fails the test (Stubber raises), so "no writes" is checked by
simply not stubbing any write.
"""
import os
import types
import unittest
from pathlib import Path

# Fake credentials, no config files, no instance metadata: nothing here may reach AWS.
os.environ.update({
    'AWS_ACCESS_KEY_ID': 'AKIAIOSFODNN7EXAMPLE',
    'AWS_SECRET_ACCESS_KEY': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AWS_SESSION_TOKEN': 'test-session-token',
    'AWS_DEFAULT_REGION': 'us-east-1',
    'AWS_CONFIG_FILE': os.devnull,
    'AWS_SHARED_CREDENTIALS_FILE': os.devnull,
    'AWS_EC2_METADATA_DISABLED': 'true',
})
os.environ.pop('AWS_PROFILE', None)

import boto3  # noqa: E402  (after the environment is set)
import botocore.session  # noqa: E402
import yaml  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

# One botocore session for every FakeAws: its loader caches the service models, so clients are cheap.
_BOTOCORE = botocore.session.get_session()

ROOT = Path(__file__).resolve().parents[3]
# REMEDIATION_DOCUMENT points the tests at another copy (used to check that they catch planted mistakes).
DOCUMENT_PATH = Path(os.environ.get('REMEDIATION_DOCUMENT') or ROOT / 'remediation' / 'UnauthorizedApiCallsMonitored-Remediation.yaml')

ACCOUNT = '111122223333'
OTHER_ACCOUNT = '444455556666'
REGION = 'us-east-1'

_document = None


def load_document():
    global _document
    if _document is None:
        with open(DOCUMENT_PATH, encoding='utf-8') as f:
            _document = yaml.safe_load(f)
    return _document


def step(name):
    for s in load_document()['mainSteps']:
        if s['name'] == name:
            return s
    raise KeyError('no step %s in %s' % (name, DOCUMENT_PATH))


def load_script(step_name):
    """A fresh module holding the step's Script, exec'd as SSM would run it."""
    s = step(step_name)
    module = types.ModuleType('ssm_step_%s' % step_name)
    module.__file__ = '%s#%s' % (DOCUMENT_PATH, step_name)
    exec(compile(s['inputs']['Script'], module.__file__, 'exec'), module.__dict__)
    return module


def payload_keys(step_name):
    """The keys the step's outputs select from the returned payload ($.Payload.X)."""
    prefix = '$.Payload.'
    return [o['Selector'][len(prefix):] for o in step(step_name).get('outputs', []) if o['Selector'].startswith(prefix)]


class FakeAws:
    """Stubbed real clients, one per (service, region)."""

    def __init__(self, region=REGION):
        self.region = region
        self._session = boto3.session.Session(region_name=region, botocore_session=_BOTOCORE)
        self._clients = {}

    def _entry(self, service, region):
        key = (service, region or self.region)
        if key not in self._clients:
            client = self._session.client(service, region_name=key[1])
            stubber = Stubber(client)
            stubber.activate()
            self._clients[key] = (client, stubber)
        return self._clients[key]

    def stub(self, service, region=None):
        return self._entry(service, region)[1]

    def client(self, service_name, region_name=None, **_kwargs):
        return self._entry(service_name, region_name)[0]

    def boto3_module(self):
        """What the script sees as `boto3`."""
        region = self.region
        session = types.SimpleNamespace(Session=lambda *a, **k: types.SimpleNamespace(region_name=region))
        return types.SimpleNamespace(client=self.client, session=session)

    def assert_all_called(self):
        for (service, region), (_client, stubber) in self._clients.items():
            try:
                stubber.assert_no_pending_responses()
            except AssertionError as e:
                raise AssertionError('%s in %s: %s' % (service, region, e)) from None

    def close(self):
        for _client, stubber in self._clients.values():
            stubber.deactivate()


class ScriptTestCase(unittest.TestCase):
    """Loads STEP's script afresh for every test and wires it to a FakeAws."""

    STEP = None

    def setUp(self):
        self.script = load_script(self.STEP)
        self.aws = FakeAws()
        self.script.boto3 = self.aws.boto3_module()
        self.addCleanup(self.aws.close)

    def run_handler(self, handler, events):
        result = getattr(self.script, handler)(events, None)
        self.aws.assert_all_called()
        return result

    def assertFails(self, handler, events, *fragments):
        """The handler raises the script's RemediationError, whose message holds every fragment."""
        with self.assertRaises(self.script.RemediationError) as caught:
            getattr(self.script, handler)(events, None)
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message
