package dev.triage.classifier.worker;

import dev.triage.core.json.PayloadException;
import dev.triage.core.model.ConversationEnvelope;
import dev.triage.core.model.Message;

/** Rejects conversations that cannot be classified whatever the model: the record's own fault. */
final class EnvelopeValidator {

    private EnvelopeValidator() {
    }

    static ConversationEnvelope validate(ConversationEnvelope conversation) {
        if (conversation.messages().isEmpty()) {
            throw new PayloadException("conversation " + conversation.id() + " has no messages");
        }
        for (Message message : conversation.messages()) {
            if (Message.isEmptyText(message.text())) {
                throw new PayloadException("conversation " + conversation.id() + " has a message with empty text");
            }
        }
        return conversation;
    }
}
