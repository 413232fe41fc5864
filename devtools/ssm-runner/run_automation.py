#!/usr/bin/env python3
r"""Runs an SSM Automation document (schemaVersion 0.3) locally, against any AWS endpoint, with boto3.

A development tool: it lets the tests execute the real remediation document against the local AWS, with the same
library SSM uses for aws:executeAwsApi (boto3, so botocore validates every API input against the real service
models) and the same calling convention for aws:executeScript (handler(events, context), return value as Payload).

Supported actions: aws:executeScript (Python), aws:executeAwsApi, aws:assertAwsResourceProperty, aws:branch.
Supported: {{ Parameter }} and {{ Step.Output }} references, parameter types, allowedPattern (ASCII classes, as
SSM's Java regexes read \d and \w)/allowedValues/defaults, isEnd, nextStep, aws:branch choices with StringEquals,
BooleanEquals and NumericEquals, outputs with simple JSONPath selectors ($.a.b[0].c). Anything else (another choice
operator, onFailure other than Abort, maxAttempts above 1, ...) fails the run with a clear message, before any call.

Usage: run_automation.py --document FILE --endpoint URL --region REGION [--parameters JSON]
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN). Prints one JSON object:
{"status": "Success"|"Failed", "failureMessage": str|null, "outputs": {...}, "steps": [...]}.
"""
import argparse
import inspect
import json
import os
import re
import sys
import types

import boto3
import boto3.session
import yaml
from botocore import xform_name

REFERENCE = re.compile(r'\{\{\s*([A-Za-z0-9_.:]+)\s*\}\}')
SELECTOR_PART = re.compile(r'\.([A-Za-z0-9_]+)|\[(\d+)\]')


class AutomationFailure(Exception):
    pass


# Step properties the runner honours, and the ones it accepts only with their default value.
STEP_PROPERTIES = {'name', 'action', 'description', 'inputs', 'outputs', 'isEnd', 'nextStep', 'timeoutSeconds'}
DEFAULT_ONLY = {'onFailure': 'Abort', 'onCancel': 'Abort', 'maxAttempts': 1, 'isCritical': True}
CHOICE_OPERATORS = ('StringEquals', 'BooleanEquals', 'NumericEquals')


def snake_case(api):
    """boto3's method name for an API (botocore's own rule: GetSMSAttributes -> get_sms_attributes)."""
    return xform_name(api)


def as_boolean(value):
    """SSM Booleans: true/false, or their strings (a Boolean output or parameter read back as text)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ('true', 'false'):
        return value.strip().lower() == 'true'
    raise AutomationFailure('%r is not a Boolean' % (value,))


def select(value, selector):
    """Evaluates a JSONPath of the form $.a.b[0].c; None when the path does not exist."""
    if not selector.startswith('$'):
        raise AutomationFailure('unsupported selector %s' % selector)
    position = 1
    for match in SELECTOR_PART.finditer(selector, 1):
        if match.start() != position:
            raise AutomationFailure('unsupported selector %s' % selector)
        position = match.end()
        key, index = match.group(1), match.group(2)
        if key is not None:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
    if position != len(selector):
        raise AutomationFailure('unsupported selector %s' % selector)
    return value


def convert(value, output_type, name):
    if value is None:
        raise AutomationFailure('output %s selected nothing' % name)
    if output_type == 'String':
        return value if isinstance(value, str) else json.dumps(value, default=str)
    if output_type == 'Integer':
        return int(value)
    if output_type == 'Boolean':
        return as_boolean(value)
    return value


def check_type(name, spec, value):
    """Refuses a value of the wrong type, as SSM does (a number given for a String parameter is not a String)."""
    declared = spec.get('type', 'String')
    ok = {
        'StringList': isinstance(value, list) and all(isinstance(v, str) for v in value),
        'Integer': isinstance(value, int) and not isinstance(value, bool),
        'Boolean': isinstance(value, bool),
        'StringMap': isinstance(value, dict),
        'MapList': isinstance(value, list) and all(isinstance(v, dict) for v in value),
    }.get(declared, isinstance(value, str))  # String and the AWS::... string types
    if not ok:
        raise AutomationFailure('parameter %s: %r is not of type %s' % (name, value, declared))


def check_document(document):
    """Fails on what the runner would otherwise silently run differently from SSM."""
    if not isinstance(document, dict) or not isinstance(document.get('mainSteps'), list) or not document['mainSteps']:
        raise AutomationFailure('the document has no mainSteps')
    names = [s.get('name') for s in document['mainSteps'] if isinstance(s, dict)]
    if len(names) != len(document['mainSteps']) or len(set(names)) != len(names):
        raise AutomationFailure('every step needs a unique name')
    for step in document['mainSteps']:
        for key, value in step.items():
            if key in STEP_PROPERTIES:
                continue
            if key in DEFAULT_ONLY and value == DEFAULT_ONLY[key]:
                continue
            raise AutomationFailure('step %s: %s: %r is not supported by this runner' % (step['name'], key, value))
        if step.get('nextStep') is not None and step['nextStep'] not in names:
            raise AutomationFailure('step %s: nextStep %s is not a step' % (step['name'], step['nextStep']))
        if step.get('action') == 'aws:branch':
            inputs = step.get('inputs', {})
            targets = [c.get('NextStep') for c in inputs.get('Choices', [])] + ([inputs['Default']] if 'Default' in inputs else [])
            for choice in inputs.get('Choices', []):
                operators = [k for k in choice if k not in ('NextStep', 'Variable')]
                if len(operators) != 1 or operators[0] not in CHOICE_OPERATORS:
                    raise AutomationFailure('step %s: choice %s is not supported by this runner (only one of %s)'
                                            % (step['name'], json.dumps(choice, default=str), ', '.join(CHOICE_OPERATORS)))
            for target in targets:
                if target not in names:
                    raise AutomationFailure('step %s: NextStep %s is not a step' % (step['name'], target))


class Automation:
    def __init__(self, document, parameters, endpoint, region):
        check_document(document)
        if not isinstance(parameters, dict):
            raise AutomationFailure('--parameters must be a JSON object')
        self.document = document
        self.values = self._parameters(document.get('parameters', {}), parameters)
        self.endpoint = endpoint
        self.region = region
        self.steps_run = []

    @staticmethod
    def _parameters(declared, given):
        unknown = set(given) - set(declared)
        if unknown:
            raise AutomationFailure('unknown parameters: %s' % ', '.join(sorted(unknown)))
        values = {}
        for name, spec in declared.items():
            if name in given:
                value = given[name]
            elif 'default' in spec:
                value = spec['default']
            else:
                raise AutomationFailure('parameter %s is required' % name)
            check_type(name, spec, value)
            if 'allowedValues' in spec and value not in spec['allowedValues']:
                raise AutomationFailure('parameter %s: %r is not one of %s' % (name, value, spec['allowedValues']))
            if 'allowedPattern' in spec:
                # SSM's (Java) regexes read \d and \w as ASCII; Python's would let non-ASCII digits through.
                for item in (value if isinstance(value, list) else [value]):
                    if not re.search(spec['allowedPattern'], str(item), re.ASCII):
                        raise AutomationFailure('parameter %s: %r does not match %s' % (name, item, spec['allowedPattern']))
            values[name] = value
        return values

    def resolve(self, value):
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, str):
            return value
        whole = REFERENCE.fullmatch(value.strip())
        if whole:
            return self.lookup(whole.group(1))
        return REFERENCE.sub(lambda m: str(self.lookup(m.group(1))), value)

    def lookup(self, name):
        if name not in self.values:
            raise AutomationFailure('{{ %s }} refers to nothing known at this point' % name)
        return self.values[name]

    def client(self, service, region=None):
        return boto3.client(service, region_name=region or self.region, endpoint_url=self.endpoint)

    def call(self, inputs, skip=()):
        service, api = inputs['Service'], inputs['Api']
        arguments = {k: v for k, v in inputs.items() if k not in ('Service', 'Api') + tuple(skip)}
        response = getattr(self.client(service), snake_case(api))(**arguments)
        response.pop('ResponseMetadata', None)
        return json.loads(json.dumps(response, default=str))

    def run_script(self, inputs):
        if inputs.get('Runtime') != 'python3.11':
            raise AutomationFailure('unsupported Runtime %s' % inputs.get('Runtime'))
        module = types.ModuleType('automation_script')
        exec(compile(inputs['Script'], '<%s>' % inputs['Handler'], 'exec'), module.__dict__)
        result = getattr(module, inputs['Handler'])(inputs.get('InputPayload', {}), {})
        return {'Payload': json.loads(json.dumps(result, default=str))}

    def branch(self, inputs):
        for choice in inputs.get('Choices', []):
            actual = choice['Variable']
            if 'StringEquals' in choice and str(actual) == choice['StringEquals']:
                return choice['NextStep']
            if 'BooleanEquals' in choice and as_boolean(actual) == as_boolean(choice['BooleanEquals']):
                return choice['NextStep']
            if 'NumericEquals' in choice and float(actual) == float(choice['NumericEquals']):
                return choice['NextStep']
        if 'Default' not in inputs:
            raise AutomationFailure('no choice matched and the branch has no Default')
        return inputs['Default']

    def run(self):
        steps = self.document['mainSteps']
        by_name = {s['name']: i for i, s in enumerate(steps)}
        index = 0
        while index is not None and index < len(steps):
            step = steps[index]
            record = {'name': step['name'], 'action': step['action']}
            self.steps_run.append(record)
            try:
                inputs = self.resolve(step.get('inputs', {}))
                action = step['action']
                next_name = None
                if action == 'aws:executeScript':
                    response = self.run_script(inputs)
                elif action == 'aws:executeAwsApi':
                    response = self.call(inputs)
                elif action == 'aws:assertAwsResourceProperty':
                    response = self.call(inputs, skip=('PropertySelector', 'DesiredValues'))
                    actual = select(response, inputs['PropertySelector'])
                    if str(actual) not in [str(v) for v in inputs['DesiredValues']]:
                        raise AutomationFailure('%s is %r, expected one of %s' % (inputs['PropertySelector'], actual, inputs['DesiredValues']))
                elif action == 'aws:branch':
                    response = {}
                    next_name = self.branch(inputs)
                else:
                    raise AutomationFailure('unsupported action %s' % action)
                for output in step.get('outputs', []):
                    self.values['%s.%s' % (step['name'], output['Name'])] = convert(
                        select(response, output['Selector']), output.get('Type', 'String'), output['Name'])
            except Exception as e:  # a failed step ends the automation, as in SSM
                record['status'] = 'Failed'
                raise AutomationFailure('Step %s failed: %s: %s' % (step['name'], type(e).__name__, e)) from e
            record['status'] = 'Success'
            if step.get('isEnd'):
                break
            next_name = next_name or step.get('nextStep')
            index = by_name[next_name] if next_name else index + 1
        return {name: self.values.get(name) for name in self.document.get('outputs', [])}


def route_clients_to(endpoint):
    """Every client and resource a script creates (boto3.client, boto3.Session().client, ...) goes to `endpoint`,
    never to AWS: Session is patched, so the module-level helpers and explicit sessions are both covered."""
    for method in ('client', 'resource'):
        original = getattr(boto3.session.Session, method)
        signature = inspect.signature(original)

        def routed(self, *args, _original=original, _signature=signature, **kwargs):
            bound = _signature.bind(self, *args, **kwargs)
            if not bound.arguments.get('endpoint_url'):
                bound.arguments['endpoint_url'] = endpoint
            return _original(*bound.args, **bound.kwargs)

        setattr(boto3.session.Session, method, routed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--document', required=True)
    parser.add_argument('--endpoint', required=True)
    parser.add_argument('--region', required=True)
    parser.add_argument('--parameters', default='{}')
    args = parser.parse_args()
    # Scripts create their own clients (boto3.client / Session): give them the region and the endpoint too.
    os.environ['AWS_DEFAULT_REGION'] = os.environ['AWS_REGION'] = args.region
    route_clients_to(args.endpoint)
    result = {'status': 'Success', 'failureMessage': None, 'outputs': {}, 'steps': []}
    automation = None
    try:
        try:
            with open(args.document) as f:
                document = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            raise AutomationFailure('cannot read the document %s: %s' % (args.document, e))
        try:
            parameters = json.loads(args.parameters)
        except ValueError as e:
            raise AutomationFailure('--parameters is not JSON: %s' % e)
        automation = Automation(document, parameters, args.endpoint, args.region)
        result['outputs'] = automation.run()
    except AutomationFailure as e:
        result['status'], result['failureMessage'] = 'Failed', str(e)
    if automation:
        result['steps'] = automation.steps_run
    json.dump(result, sys.stdout, default=str)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
