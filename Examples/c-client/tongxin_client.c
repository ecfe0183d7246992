/*
 * tongxin-client: how a government system written in C integrates with Tongxin.
 *
 * Logs in through the gateway (tongxin.gateway.v1.Gateway/Login) — or, as a government
 * system does, calls with an API key (ACCOUNT "--api-key", PASSWORD the key "txk_…") — then
 * asks who it is (WhoAmI) and prints the account, the unit it acts for and its permissions.
 * With `--appeal EXTERNAL_ID DIVISION_CODE` it then pushes a 12345 work order (SubmitAppeal:
 * the unit by its 12-digit division code) and reads it back (GetAppeal), printing the
 * ledger item it became and its stage in the closed loop. Every message is encoded and
 * decoded by libprotobuf-c from code protoc-c generated out of Schemas/; the wire is
 * Schemas/tongxin/rpc/v1/frame.proto.
 *
 *   tongxin-client HOST PORT ACCOUNT PASSWORD [UNIT_PATH] [--appeal EXTERNAL_ID DIVISION_CODE]
 *   tongxin-client HOST PORT --api-key KEY [UNIT_PATH] [--appeal EXTERNAL_ID DIVISION_CODE]
 *
 * Exit status: 0 on success, 1 on a refused call (the status is printed), 2 on usage or
 * connection errors.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tongxin/agenda/v1/agenda.pb-c.h"
#include "tongxin/gateway/v1/gateway.pb-c.h"
#include "tongxin/rpc/v1/frame.pb-c.h"

#define MAX_FRAME (4u * 1024u * 1024u)

static int connect_to(const char *host, const char *port) {
    struct addrinfo hints = {0}, *found = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &found) != 0) return -1;
    int fd = -1;
    for (struct addrinfo *a = found; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

static int write_all(int fd, const uint8_t *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = write(fd, bytes, count);
        if (n <= 0) return -1;
        bytes += n;
        count -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, uint8_t *bytes, size_t count) {
    while (count > 0) {
        ssize_t n = read(fd, bytes, count);
        if (n <= 0) return -1;
        bytes += n;
        count -= (size_t)n;
    }
    return 0;
}

/* Sends one REQUEST frame and returns the RESPONSE frame of the same call id (NULL on a
 * broken connection). Other frames (PING, GOAWAY) are skipped. */
static Tongxin__Rpc__V1__Frame *call(int fd, uint64_t call_id, const char *method, const char *token,
                                     const char *unit, const ProtobufCMessage *request) {
    Tongxin__Rpc__V1__Frame frame = TONGXIN__RPC__V1__FRAME__INIT;
    Tongxin__Rpc__V1__MetadataEntry entries[2] = {TONGXIN__RPC__V1__METADATA_ENTRY__INIT, TONGXIN__RPC__V1__METADATA_ENTRY__INIT};
    Tongxin__Rpc__V1__MetadataEntry *metadata[2];
    char authorization[1024];
    size_t n_metadata = 0;
    if (token) {
        snprintf(authorization, sizeof authorization, "Bearer %s", token);
        entries[n_metadata].key = "authorization";
        entries[n_metadata].value = authorization;
        metadata[n_metadata] = &entries[n_metadata];
        n_metadata++;
    }
    if (unit) {
        entries[n_metadata].key = "x-tenant-unit";
        entries[n_metadata].value = (char *)unit;
        metadata[n_metadata] = &entries[n_metadata];
        n_metadata++;
    }
    frame.call_id = call_id;
    frame.kind = TONGXIN__RPC__V1__FRAME_KIND__FRAME_KIND_REQUEST;
    frame.method = (char *)method;
    frame.n_metadata = n_metadata;
    frame.metadata = metadata;
    frame.timeout_micros = 10 * 1000 * 1000;
    frame.payload.len = protobuf_c_message_get_packed_size(request);
    frame.payload.data = malloc(frame.payload.len ? frame.payload.len : 1);
    protobuf_c_message_pack(request, frame.payload.data);

    size_t size = tongxin__rpc__v1__frame__get_packed_size(&frame);
    uint8_t *bytes = malloc(size + 4);
    uint32_t length = htonl((uint32_t)size);
    memcpy(bytes, &length, 4);
    tongxin__rpc__v1__frame__pack(&frame, bytes + 4);
    int failed = write_all(fd, bytes, size + 4);
    free(bytes);
    free(frame.payload.data);
    if (failed) return NULL;

    for (;;) {
        uint32_t answer_length;
        if (read_all(fd, (uint8_t *)&answer_length, 4)) return NULL;
        answer_length = ntohl(answer_length);
        if (answer_length > MAX_FRAME) return NULL;
        uint8_t *answer = malloc(answer_length ? answer_length : 1);
        if (read_all(fd, answer, answer_length)) {
            free(answer);
            return NULL;
        }
        Tongxin__Rpc__V1__Frame *response = tongxin__rpc__v1__frame__unpack(NULL, answer_length, answer);
        free(answer);
        if (!response) return NULL;
        if (response->kind == TONGXIN__RPC__V1__FRAME_KIND__FRAME_KIND_RESPONSE && response->call_id == call_id) return response;
        tongxin__rpc__v1__frame__free_unpacked(response, NULL);
    }
}

/* Prints a failed status and returns 1, or returns 0 for OK. */
static int refused(const char *what, const Tongxin__Rpc__V1__Frame *response) {
    if (!response->status || response->status->code == TONGXIN__RPC__V1__STATUS_CODE__STATUS_CODE_OK) return 0;
    printf("%s refused: status %d: %s\n", what, (int)response->status->code, response->status->message);
    return 1;
}

/* Pushes a work order and reads it back; returns the exit status. */
static int appeal(int fd, const char *token, const char *unit, const char *external_id, const char *division_code) {
    Tongxin__Gateway__V1__SubmitAppealRequest submit = TONGXIN__GATEWAY__V1__SUBMIT_APPEAL_REQUEST__INIT;
    submit.external_id = (char *)external_id;
    submit.division_code = (char *)division_code;
    submit.category = TONGXIN__AGENDA__V1__CATEGORY__CATEGORY_INFRASTRUCTURE;
    submit.text = "路灯不亮，夜间出行不便";
    submit.reporter = "市民";
    Tongxin__Rpc__V1__Frame *response = call(fd, 3, "/tongxin.gateway.v1.Gateway/SubmitAppeal", token, unit, &submit.base);
    if (!response) {
        fprintf(stderr, "the connection broke\n");
        return 2;
    }
    if (refused("SubmitAppeal", response)) return 1;
    Tongxin__Gateway__V1__Appeal *pushed = tongxin__gateway__v1__appeal__unpack(NULL, response->payload.len, response->payload.data);
    tongxin__rpc__v1__frame__free_unpacked(response, NULL);
    if (!pushed) {
        fprintf(stderr, "the SubmitAppeal response does not decode\n");
        return 2;
    }
    printf("submitted appeal=%s item=%s stage=%d\n", pushed->external_id, pushed->item_id, (int)pushed->stage);
    tongxin__gateway__v1__appeal__free_unpacked(pushed, NULL);

    Tongxin__Gateway__V1__GetAppealRequest get = TONGXIN__GATEWAY__V1__GET_APPEAL_REQUEST__INIT;
    get.external_id = (char *)external_id;
    response = call(fd, 4, "/tongxin.gateway.v1.Gateway/GetAppeal", token, unit, &get.base);
    if (!response) {
        fprintf(stderr, "the connection broke\n");
        return 2;
    }
    if (refused("GetAppeal", response)) return 1;
    Tongxin__Gateway__V1__Appeal *read = tongxin__gateway__v1__appeal__unpack(NULL, response->payload.len, response->payload.data);
    tongxin__rpc__v1__frame__free_unpacked(response, NULL);
    if (!read) {
        fprintf(stderr, "the GetAppeal response does not decode\n");
        return 2;
    }
    printf("read appeal=%s item=%s division=%s unit=%s stage=%d steps=%zu\n", read->external_id, read->item_id,
           read->division_code, read->unit_path, (int)read->stage, read->n_steps);
    tongxin__gateway__v1__appeal__free_unpacked(read, NULL);
    return 0;
}

int main(int argc, char **argv) {
    /* The optional trailing --appeal EXTERNAL_ID DIVISION_CODE. */
    const char *external_id = NULL, *division_code = NULL;
    if (argc >= 4 && strcmp(argv[argc - 3], "--appeal") == 0) {
        external_id = argv[argc - 2];
        division_code = argv[argc - 1];
        argc -= 3;
    }
    int with_key = argc >= 4 && strcmp(argv[3], "--api-key") == 0;
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT (ACCOUNT PASSWORD | --api-key KEY) [UNIT_PATH] [--appeal EXTERNAL_ID DIVISION_CODE]\n", argv[0]);
        return 2;
    }
    const char *unit = argc > 5 ? argv[5] : NULL;
    int fd = connect_to(argv[1], argv[2]);
    if (fd < 0) {
        fprintf(stderr, "cannot connect to %s:%s\n", argv[1], argv[2]);
        return 2;
    }

    char *token = NULL;
    Tongxin__Rpc__V1__Frame *response;
    if (with_key) {
        token = strdup(argv[4]);
    } else {
        Tongxin__Gateway__V1__LoginRequest login = TONGXIN__GATEWAY__V1__LOGIN_REQUEST__INIT;
        login.account = argv[3];
        login.password = argv[4];
        response = call(fd, 1, "/tongxin.gateway.v1.Gateway/Login", NULL, NULL, &login.base);
        if (!response) {
            fprintf(stderr, "the connection broke\n");
            return 2;
        }
        if (refused("Login", response)) return 1;
        Tongxin__Gateway__V1__LoginResponse *session =
            tongxin__gateway__v1__login_response__unpack(NULL, response->payload.len, response->payload.data);
        tongxin__rpc__v1__frame__free_unpacked(response, NULL);
        if (!session) {
            fprintf(stderr, "the login response does not decode\n");
            return 2;
        }
        printf("session expires_at=%lld idle_timeout=%lld grants=%zu\n", (long long)session->expires_at,
               (long long)session->idle_timeout_seconds, session->n_grants);
        token = strdup(session->session_token);
        tongxin__gateway__v1__login_response__free_unpacked(session, NULL);
    }

    Tongxin__Gateway__V1__WhoAmIRequest who = TONGXIN__GATEWAY__V1__WHO_AM_IREQUEST__INIT;
    response = call(fd, 2, "/tongxin.gateway.v1.Gateway/WhoAmI", token, unit, &who.base);
    if (!response) {
        fprintf(stderr, "the connection broke\n");
        return 2;
    }
    if (refused("WhoAmI", response)) return 1;
    Tongxin__Gateway__V1__WhoAmIResponse *me =
        tongxin__gateway__v1__who_am_iresponse__unpack(NULL, response->payload.len, response->payload.data);
    tongxin__rpc__v1__frame__free_unpacked(response, NULL);
    if (!me) {
        fprintf(stderr, "the WhoAmI response does not decode\n");
        return 2;
    }
    printf("account=%s unit=%s permissions=", me->account, me->unit_path);
    for (size_t i = 0; i < me->n_permissions; i++) printf("%s%s", i ? "," : "", me->permissions[i]);
    printf("\n");
    tongxin__gateway__v1__who_am_iresponse__free_unpacked(me, NULL);

    int status = external_id ? appeal(fd, token, unit, external_id, division_code) : 0;
    free(token);
    close(fd);
    return status;
}
