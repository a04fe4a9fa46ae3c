/**
 * Shipped as editable examples: the two workflows of the product we learn from, and "Close the loop", which that
 * product cannot do (it has no way back from the destination).
 */
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
    {
      key: 'close-the-loop',
      name: 'Close the loop',
      description:
        "When the linked Kustomer conversation is done, the requester gets Kustomer's last reply and the request waits for them; it is resolved if they do not answer within 3 days.",
      definition: {
        trigger: { event: 'conversation.status_changed', to: 'closed', conditions: { match: 'all', rules: [] } },
        steps: [
          {
            type: 'add_comment',
            visibility: 'public',
            // Only the conversation's last customer-facing message: a note in Kustomer never reaches this placeholder.
            body:
              'Hi {{requester.name}},\n\nOur support team has finished working on "{{request.title}}". Their last reply:\n\n{{conversation.last_public_message}}\n\n' +
              'If that settles it, there is nothing more to do: this request closes by itself in 3 days. If not, just reply here.',
          },
          { type: 'set_status', status: 'waiting' },
          { type: 'wait_for_reply', minutes: 3 * 24 * 60, onReply: 'stop' },
          { type: 'set_status', status: 'resolved' },
        ],
      },
    },
  ];
}
