/** The two workflows of the product we learn from, shipped as editable examples. */
import type { WorkflowDefinition } from './workflow-definition.ts';

export interface WorkflowExample {
  key: string;
  name: string;
  description: string;
  definition: WorkflowDefinition;
}

/** `serviceId` and the queues are the installation's own; the editor (or the demo) fills them in. */
export function workflowExamples(ids: { customerEscalationServiceId?: string; supportQueueId?: string; vipQueueId?: string } = {}): WorkflowExample[] {
  return [
    {
      key: 'customer-escalation',
      name: 'Customer escalation',
      description: 'Every Customer escalation request becomes a Kustomer conversation in the support queue, at high priority, and the requester is told.',
      definition: {
        trigger: {
          event: 'request.submitted',
          conditions: {
            match: 'all',
            rules: ids.customerEscalationServiceId ? [{ subject: 'request', field: 'service', op: 'equals', value: ids.customerEscalationServiceId }] : [],
          },
        },
        steps: [
          // The priority first: the conversation takes the request's priority when it is created, so Kustomer gets High.
          { type: 'set_priority', priority: 'high' },
          {
            type: 'create_conversation',
            destination: 'kustomer',
            queueId: ids.supportQueueId,
            channel: 'email',
            priority: 'from_request',
            subject: '{{request.title}}',
            message: '{{request.description}}\n\nRequested by {{requester.name}} <{{requester.email}}>\n{{request.link}}',
          },
          {
            type: 'notify',
            to: 'requester',
            subject: '{{request.key}} is with our support team',
            body: 'Hi {{requester.name}},\n\nYour request "{{request.title}}" has been handed to the support team in Kustomer.\n\n{{request.link}}',
          },
        ],
      },
    },
    {
      key: 'specialist-handoff',
      name: 'Specialist handoff',
      description:
        "When a request is tagged vip-customer, the requester's manager approves, then it goes to the VIP queue in Kustomer and the requester is told.",
      definition: {
        trigger: { event: 'request.tag_added', tag: 'vip-customer', conditions: { match: 'all', rules: [] } },
        steps: [
          {
            type: 'approval',
            approver: { type: 'manager' },
            dueInHours: 24,
            onTimeout: 'escalate_to_manager',
            onReject: 'stop',
            message: 'Hand {{request.key}} "{{request.title}}" to the VIP specialists in Kustomer?',
          },
          {
            type: 'create_conversation',
            destination: 'kustomer',
            queueId: ids.vipQueueId,
            channel: 'email',
            priority: 4,
            subject: '[VIP] {{request.title}}',
            message: '{{request.description}}\n\nRequested by {{requester.name}} <{{requester.email}}>\n{{request.link}}',
          },
          {
            type: 'notify',
            to: 'requester',
            subject: '{{request.key}} is with our VIP specialists',
            body: 'Hi {{requester.name}},\n\nYour request "{{request.title}}" was approved and handed to the VIP specialists.\n\n{{request.link}}',
          },
        ],
      },
    },
  ];
}
