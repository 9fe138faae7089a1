package org.mailhook.ops;

import java.time.Instant;
import java.util.Set;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.TaskExtensionModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.server.task.json.dto.TaskDTO;
import org.apache.james.server.task.json.dto.TaskDTOModule;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;

/**
 * Lets James' {@code /tasks/{id}} show a bulk reparse's progress ({@link ReparseTask.Details}) as
 * {@code additionalInformation}. Listed in extensions.properties as {@code guice.extension.task}.
 */
public class ReparseTaskExtension implements TaskExtensionModule {
    /** The JSON of {@link ReparseTask.Details}. */
    public static final class DetailsDTO implements AdditionalInformationDTO {
        private final ReparseTask.Details details;
        private final String type;

        DetailsDTO(ReparseTask.Details details, String type) {
            this.details = details;
            this.type = type;
        }

        @Override
        public String getType() {
            return type;
        }

        @Override
        public Instant getTimestamp() {
            return details.timestamp();
        }

        public String getCheckpointId() {
            return details.checkpointId();
        }

        public String getSince() {
            return details.since();
        }

        public String getUntil() {
            return details.until();
        }

        public boolean isReverify() {
            return details.reverify();
        }

        public long getReparsed() {
            return details.reparsed();
        }

        public long getChanged() {
            return details.changed();
        }

        public long getUnchanged() {
            return details.unchanged();
        }

        public long getSkipped() {
            return details.skipped();
        }

        public long getEvents() {
            return details.events();
        }

        public String getLastKey() {
            return details.lastKey();
        }
    }

    static final AdditionalInformationDTOModule<ReparseTask.Details, DetailsDTO> DETAILS =
        DTOModule.forDomainObject(ReparseTask.Details.class)
            .convertToDTO(DetailsDTO.class)
            .toDomainObjectConverter(dto -> dto.details)
            .toDTOConverter(DetailsDTO::new)
            .typeName(ReparseTask.TYPE.asString())
            .withFactory(AdditionalInformationDTOModule::new);

    @Override
    public Set<TaskDTOModule<? extends Task, ? extends TaskDTO>> taskDTOModules() {
        return Set.of();
    }

    @Override
    public Set<AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>>
        taskAdditionalInformationDTOModules() {
        return Set.of(DETAILS);
    }
}
