package io.palisade.migration.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.migration.remote.RemoteCall;
import org.junit.jupiter.api.Test;

/** Which entry of a refused batch a failure report names. */
class EntryAtFaultTest {

    private static RemoteCall.Answer refused(String field) throws Exception {
        return new RemoteCall.Answer(409, new ObjectMapper().readTree(
                "{\"status\":409,\"errors\":[{\"field\":\"" + field + "\",\"message\":\"x\"}]}"));
    }

    @Test
    void theFirstErrorsIndexInTheNamedListIsTheEntryAtFault() throws Exception {
        assertEquals(7, ApplyJob.entryAtFault(refused("devices[7].staticGroupId"), "devices", 10));
        assertEquals(3, ApplyJob.entryAtFault(refused("templates[3].rule.rules[0].operator"), "templates", 4));
    }

    @Test
    void anythingElseNamesTheFirstEntry() throws Exception {
        assertEquals(0, ApplyJob.entryAtFault(refused("templates[3].rule"), "devices", 10));
        assertEquals(0, ApplyJob.entryAtFault(refused("devices[12]"), "devices", 10));
        assertEquals(0, ApplyJob.entryAtFault(refused("devices[99999999999]"), "devices", 10));
        assertEquals(0, ApplyJob.entryAtFault(refused("body"), "devices", 10));
        assertEquals(0, ApplyJob.entryAtFault(new RemoteCall.Answer(500, null), "devices", 10));
    }
}
