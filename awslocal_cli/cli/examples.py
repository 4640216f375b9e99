"""One working example per operation, for the EXAMPLES section of its help page.

Written as data: `EXAMPLES` holds the hand-written ones (title, command); operations without
one get a command built from the model, filling each required member from `FILL`. A command
names what it needs as shell variables (`"$KEY_ID"`), and `SETUP` says how each is made, so a
page shows every line a user types, in order, from an empty state. tests/cli/test_help.py runs
every example against a fresh state; an operation for which neither works fails that test.
"""

from __future__ import annotations

_Q = "--output text --query"
_CREATE_STORE = (
    "awslocal kms create-custom-key-store --custom-key-store-name example-xks "
    "--custom-key-store-type EXTERNAL_KEY_STORE "
    "--xks-proxy-uri-endpoint https://xks.example.com "
    "--xks-proxy-uri-path /kms/xks/v1 --xks-proxy-connectivity PUBLIC_ENDPOINT "
    "--xks-proxy-authentication-credential "
    "AccessKeyId=ABCDEFGHIJKLMNOPQRST,"
    "RawSecretAccessKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)
# Variable -> the lines that set it (which may use variables defined above them).
SETUP: dict[str, list[str]] = {
    "KEY_ID": [f"KEY_ID=$(awslocal kms create-key --description example {_Q} KeyMetadata.KeyId)"],
    "HMAC_KEY": [
        "HMAC_KEY=$(awslocal kms create-key --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC "
        f"{_Q} KeyMetadata.KeyId)"
    ],
    "SIGN_KEY": [
        "SIGN_KEY=$(awslocal kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY "
        f"{_Q} KeyMetadata.KeyId)"
    ],
    "ECDH_KEY": [
        "ECDH_KEY=$(awslocal kms create-key --key-spec ECC_NIST_P256 --key-usage KEY_AGREEMENT "
        f"{_Q} KeyMetadata.KeyId)"
    ],
    "PEER_PUBLIC_KEY": [
        "PEER_KEY=$(awslocal kms create-key --key-spec ECC_NIST_P256 --key-usage KEY_AGREEMENT "
        f"{_Q} KeyMetadata.KeyId)",
        f'PEER_PUBLIC_KEY=$(awslocal kms get-public-key --key-id "$PEER_KEY" {_Q} PublicKey)',
    ],
    "KEM_KEY": [
        "KEM_KEY=$(awslocal kms create-key --key-spec ML_KEM_768 "
        f"--key-usage ENCAPSULATE_DECAPSULATE {_Q} KeyMetadata.KeyId)"
    ],
    "EXTERNAL_KEY": [
        f"EXTERNAL_KEY=$(awslocal kms create-key --origin EXTERNAL {_Q} KeyMetadata.KeyId)"
    ],
    "MR_KEY": [f"MR_KEY=$(awslocal kms create-key --multi-region {_Q} KeyMetadata.KeyId)"],
    "CIPHERTEXT": [
        'CIPHERTEXT=$(awslocal kms encrypt --key-id "$KEY_ID" --plaintext "hello" '
        f"--cli-binary-format raw-in-base64-out {_Q} CiphertextBlob)"
    ],
    "SIGNATURE": [
        'SIGNATURE=$(awslocal kms sign --key-id "$SIGN_KEY" --message aGVsbG8= '
        f"--signing-algorithm ECDSA_SHA_256 {_Q} Signature)"
    ],
    "MAC": [
        'MAC=$(awslocal kms generate-mac --key-id "$HMAC_KEY" --message aGVsbG8= '
        f"--mac-algorithm HMAC_SHA_256 {_Q} Mac)"
    ],
    "KEM_CIPHERTEXT": [
        'KEM_CIPHERTEXT=$(awslocal kms encapsulate --key-id "$KEM_KEY" '
        f"--encapsulation-algorithm ML_KEM {_Q} SharedSecretCiphertextBlob)"
    ],
    "GRANT_ID": [
        'GRANT_ID=$(awslocal kms create-grant --key-id "$KEY_ID" '
        "--grantee-principal arn:aws:iam::123456789012:user/alice --operations Decrypt "
        f"{_Q} GrantId)"
    ],
    "STORE_ID": [f"STORE_ID=$({_CREATE_STORE} {_Q} CustomKeyStoreId)"],
    "QUEUE_URL": [f"QUEUE_URL=$(awslocal sqs create-queue --queue-name example {_Q} QueueUrl)"],
    "QUEUE_ARN": [
        'QUEUE_ARN=$(awslocal sqs get-queue-attributes --queue-url "$QUEUE_URL" '
        f"--attribute-names QueueArn {_Q} Attributes.QueueArn)"
    ],
    "RECEIPT": [
        'awslocal sqs send-message --queue-url "$QUEUE_URL" --message-body "hello"',
        'RECEIPT=$(awslocal sqs receive-message --queue-url "$QUEUE_URL" '
        f"{_Q} 'Messages[0].ReceiptHandle')",
    ],
    "DLQ_ARN": [
        f"DLQ_URL=$(awslocal sqs create-queue --queue-name example-dlq {_Q} QueueUrl)",
        'DLQ_ARN=$(awslocal sqs get-queue-attributes --queue-url "$DLQ_URL" '
        f"--attribute-names QueueArn {_Q} Attributes.QueueArn)",
        r'awslocal sqs create-queue --queue-name example-source --attributes '
        r'"{\"RedrivePolicy\": \"{\\\"deadLetterTargetArn\\\": \\\"$DLQ_ARN\\\", '
        r'\\\"maxReceiveCount\\\": \\\"3\\\"}\"}"',
    ],
    "TOPIC_ARN": [f"TOPIC_ARN=$(awslocal sns create-topic --name example {_Q} TopicArn)"],
    "SUB_ARN": [
        'SUB_ARN=$(awslocal sns subscribe --topic-arn "$TOPIC_ARN" --protocol sqs '
        f'--notification-endpoint "$QUEUE_ARN" --return-subscription-arn {_Q} SubscriptionArn)'
    ],
    "APP_ARN": [
        "APP_ARN=$(awslocal sns create-platform-application --name example --platform GCM "
        f"--attributes PlatformCredential=example-api-key {_Q} PlatformApplicationArn)"
    ],
    "ENDPOINT_ARN": [
        "ENDPOINT_ARN=$(awslocal sns create-platform-endpoint "
        '--platform-application-arn "$APP_ARN" '
        f"--token example-device-token {_Q} EndpointArn)"
    ],
}

# (service, operation) -> (title, command); the command may use the SETUP variables.
EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {
    ("kms", "CreateKey"): (
        "To create a symmetric encryption key",
        'awslocal kms create-key --description "Example key" --tags TagKey=team,TagValue=web',
    ),
    ("kms", "CreateAlias"): (
        "To give a key an alias",
        'awslocal kms create-alias --alias-name alias/example --target-key-id "$KEY_ID"',
    ),
    ("kms", "UpdateAlias"): (
        "To point an alias at another key",
        'awslocal kms create-alias --alias-name alias/example --target-key-id "$KEY_ID" && '
        'OTHER_KEY=$(awslocal kms create-key --output text --query KeyMetadata.KeyId) && '
        'awslocal kms update-alias --alias-name alias/example --target-key-id "$OTHER_KEY"',
    ),
    ("kms", "DeleteAlias"): (
        "To delete an alias (the key stays)",
        'awslocal kms create-alias --alias-name alias/example --target-key-id "$KEY_ID" && '
        "awslocal kms delete-alias --alias-name alias/example",
    ),
    ("kms", "CreateCustomKeyStore"): (
        "To create an external key store record (no proxy is contacted)",
        _CREATE_STORE,
    ),
    ("kms", "CreateGrant"): (
        "To let another principal decrypt with a key",
        'awslocal kms create-grant --key-id "$KEY_ID" '
        "--grantee-principal arn:aws:iam::123456789012:user/alice --operations Decrypt Encrypt",
    ),
    ("kms", "RevokeGrant"): (
        "To revoke a grant",
        'awslocal kms revoke-grant --key-id "$KEY_ID" --grant-id "$GRANT_ID"',
    ),
    ("kms", "RetireGrant"): (
        "To retire a grant",
        'awslocal kms retire-grant --key-id "$KEY_ID" --grant-id "$GRANT_ID"',
    ),
    ("kms", "Encrypt"): (
        "To encrypt a short text (raw-in-base64-out reads the text as it is)",
        'awslocal kms encrypt --key-id "$KEY_ID" --plaintext "hello" '
        "--cli-binary-format raw-in-base64-out",
    ),
    ("kms", "Decrypt"): (
        "To decrypt a ciphertext blob and print the text",
        'awslocal kms decrypt --ciphertext-blob "$CIPHERTEXT" --query Plaintext --output text '
        "| base64 -d",
    ),
    ("kms", "ReEncrypt"): (
        "To re-encrypt a ciphertext under another key",
        'awslocal kms re-encrypt --ciphertext-blob "$CIPHERTEXT" --destination-key-id "$KEY_ID"',
    ),
    ("kms", "GenerateDataKey"): (
        "To generate a 256-bit data key",
        'awslocal kms generate-data-key --key-id "$KEY_ID" --key-spec AES_256',
    ),
    ("kms", "GenerateDataKeyWithoutPlaintext"): (
        "To generate a data key and keep only its encrypted copy",
        'awslocal kms generate-data-key-without-plaintext --key-id "$KEY_ID" --key-spec AES_256',
    ),
    ("kms", "GenerateDataKeyPair"): (
        "To generate an RSA data key pair",
        'awslocal kms generate-data-key-pair --key-id "$KEY_ID" --key-pair-spec RSA_2048',
    ),
    ("kms", "GenerateDataKeyPairWithoutPlaintext"): (
        "To generate an ECC data key pair without its plaintext private key",
        'awslocal kms generate-data-key-pair-without-plaintext --key-id "$KEY_ID" '
        "--key-pair-spec ECC_NIST_P256",
    ),
    ("kms", "GenerateRandom"): (
        "To get 32 random bytes", "awslocal kms generate-random --number-of-bytes 32"
    ),
    ("kms", "GenerateMac"): (
        "To compute an HMAC of a message",
        'awslocal kms generate-mac --key-id "$HMAC_KEY" --message "hello" '
        "--mac-algorithm HMAC_SHA_256 --cli-binary-format raw-in-base64-out",
    ),
    ("kms", "VerifyMac"): (
        "To verify an HMAC (blobs are base64: aGVsbG8= is hello)",
        'awslocal kms verify-mac --key-id "$HMAC_KEY" --message aGVsbG8= '
        '--mac-algorithm HMAC_SHA_256 --mac "$MAC"',
    ),
    ("kms", "Sign"): (
        "To sign a message with an ECC key",
        'awslocal kms sign --key-id "$SIGN_KEY" --message "hello" '
        "--signing-algorithm ECDSA_SHA_256 --cli-binary-format raw-in-base64-out",
    ),
    ("kms", "ListRetirableGrants"): (
        "To list the grants a principal may retire",
        "awslocal kms list-retirable-grants "
        "--retiring-principal arn:aws:iam::123456789012:user/alice",
    ),
    ("kms", "Verify"): (
        "To verify a signature (blobs are base64: aGVsbG8= is hello)",
        'awslocal kms verify --key-id "$SIGN_KEY" --message aGVsbG8= '
        '--signing-algorithm ECDSA_SHA_256 --signature "$SIGNATURE"',
    ),
    ("kms", "GetPublicKey"): (
        "To get the public key of an asymmetric key",
        'awslocal kms get-public-key --key-id "$SIGN_KEY"',
    ),
    ("kms", "DeriveSharedSecret"): (
        "To derive a shared secret with another party's public key",
        'awslocal kms derive-shared-secret --key-id "$ECDH_KEY" --key-agreement-algorithm ECDH '
        '--public-key "$PEER_PUBLIC_KEY"',
    ),
    ("kms", "Encapsulate"): (
        "To encapsulate a shared secret with an ML-KEM key",
        'awslocal kms encapsulate --key-id "$KEM_KEY" --encapsulation-algorithm ML_KEM',
    ),
    ("kms", "Decapsulate"): (
        "To recover the shared secret from its ciphertext",
        'awslocal kms decapsulate --key-id "$KEM_KEY" --encapsulation-algorithm ML_KEM '
        '--shared-secret-ciphertext-blob "$KEM_CIPHERTEXT"',
    ),
    ("kms", "GetParametersForImport"): (
        "To get a wrapping key and import token for a key with EXTERNAL origin",
        'awslocal kms get-parameters-for-import --key-id "$EXTERNAL_KEY" '
        "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048",
    ),
    ("kms", "ImportKeyMaterial"): (
        "To import 32 bytes of key material, wrapped with openssl",
        'awslocal kms get-parameters-for-import --key-id "$EXTERNAL_KEY" '
        "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 "
        "--query '[ImportToken,PublicKey]' --output text > params.txt && "
        "cut -f1 params.txt | base64 -d > token.bin && "
        "cut -f2 params.txt | base64 -d > wrapping-key.der && "
        "openssl rand 32 > material.bin && "
        "openssl pkeyutl -encrypt -in material.bin -out material.enc -inkey wrapping-key.der "
        "-keyform DER -pubin -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 && "
        'awslocal kms import-key-material --key-id "$EXTERNAL_KEY" '
        "--import-token fileb://token.bin --encrypted-key-material fileb://material.enc "
        "--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE",
    ),
    ("kms", "PutKeyPolicy"): (
        "To replace a key's policy",
        'awslocal kms put-key-policy --key-id "$KEY_ID" --policy-name default --policy '
        "'{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
        "\"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, \"Action\": \"kms:*\", "
        "\"Resource\": \"*\"}]}'",
    ),
    ("kms", "ReplicateKey"): (
        "To replicate a multi-Region key to another region",
        'awslocal kms replicate-key --key-id "$MR_KEY" --replica-region eu-west-1',
    ),
    ("kms", "UpdatePrimaryRegion"): (
        "To make a replica the primary key",
        'awslocal kms replicate-key --key-id "$MR_KEY" --replica-region eu-west-1 && '
        "awslocal local clock advance 5s && "  # a new replica is Creating for a moment
        'awslocal kms update-primary-region --key-id "$MR_KEY" --primary-region eu-west-1',
    ),
    ("kms", "ScheduleKeyDeletion"): (
        "To schedule a key's deletion in 7 days (move the clock with awslocal local clock)",
        'awslocal kms schedule-key-deletion --key-id "$KEY_ID" --pending-window-in-days 7',
    ),
    ("kms", "CancelKeyDeletion"): (
        "To cancel a scheduled deletion",
        'awslocal kms schedule-key-deletion --key-id "$KEY_ID" && '
        'awslocal kms cancel-key-deletion --key-id "$KEY_ID"',
    ),
    ("kms", "EnableKey"): (
        "To enable a disabled key",
        'awslocal kms disable-key --key-id "$KEY_ID" && awslocal kms enable-key --key-id "$KEY_ID"',
    ),
    ("kms", "DeleteImportedKeyMaterial"): (
        "To delete the key material of a key with EXTERNAL origin",
        'awslocal kms delete-imported-key-material --key-id "$EXTERNAL_KEY"',
    ),
    ("kms", "TagResource"): (
        "To tag a key",
        'awslocal kms tag-resource --key-id "$KEY_ID" --tags TagKey=team,TagValue=web',
    ),
    ("kms", "UntagResource"): (
        "To remove a tag from a key",
        'awslocal kms untag-resource --key-id "$KEY_ID" --tag-keys team',
    ),
    ("kms", "UpdateKeyDescription"): (
        "To change a key's description",
        'awslocal kms update-key-description --key-id "$KEY_ID" --description "Renamed key"',
    ),
    ("kms", "UpdateCustomKeyStore"): (
        "To rename a custom key store",
        'awslocal kms update-custom-key-store --custom-key-store-id "$STORE_ID" '
        "--new-custom-key-store-name example-renamed",
    ),
    ("kms", "ConnectCustomKeyStore"): (
        "To connect a custom key store",
        'awslocal kms connect-custom-key-store --custom-key-store-id "$STORE_ID"',
    ),
    ("kms", "DisconnectCustomKeyStore"): (
        "To disconnect a connected custom key store",
        'awslocal kms connect-custom-key-store --custom-key-store-id "$STORE_ID" && '
        'awslocal kms disconnect-custom-key-store --custom-key-store-id "$STORE_ID"',
    ),
    ("sqs", "CreateQueue"): (
        "To create a queue with a 60-second visibility timeout",
        "awslocal sqs create-queue --queue-name example --attributes VisibilityTimeout=60",
    ),
    ("sqs", "GetQueueUrl"): (
        "To get a queue's URL from its name",
        "awslocal sqs create-queue --queue-name example && "
        "awslocal sqs get-queue-url --queue-name example",
    ),
    ("sqs", "SendMessage"): (
        "To send a message with an attribute",
        'awslocal sqs send-message --queue-url "$QUEUE_URL" --message-body "hello" '
        "--message-attributes 'City={DataType=String,StringValue=Any City}'",
    ),
    ("sqs", "SendMessageBatch"): (
        "To send two messages in one call",
        'awslocal sqs send-message-batch --queue-url "$QUEUE_URL" '
        "--entries Id=one,MessageBody=first Id=two,MessageBody=second",
    ),
    ("sqs", "ReceiveMessage"): (
        "To receive up to 10 messages with all their attributes",
        'awslocal sqs send-message --queue-url "$QUEUE_URL" --message-body "hello" && '
        'awslocal sqs receive-message --queue-url "$QUEUE_URL" --max-number-of-messages 10 '
        "--message-system-attribute-names All --message-attribute-names All",
    ),
    ("sqs", "DeleteMessage"): (
        "To delete a received message",
        'awslocal sqs delete-message --queue-url "$QUEUE_URL" --receipt-handle "$RECEIPT"',
    ),
    ("sqs", "DeleteMessageBatch"): (
        "To delete received messages in one call",
        'awslocal sqs delete-message-batch --queue-url "$QUEUE_URL" '
        '--entries "Id=one,ReceiptHandle=$RECEIPT"',
    ),
    ("sqs", "ChangeMessageVisibility"): (
        "To give yourself 5 more minutes with a received message",
        'awslocal sqs change-message-visibility --queue-url "$QUEUE_URL" '
        '--receipt-handle "$RECEIPT" --visibility-timeout 300',
    ),
    ("sqs", "ChangeMessageVisibilityBatch"): (
        "To change the visibility of received messages in one call",
        'awslocal sqs change-message-visibility-batch --queue-url "$QUEUE_URL" '
        '--entries "Id=one,ReceiptHandle=$RECEIPT,VisibilityTimeout=300"',
    ),
    ("sqs", "GetQueueAttributes"): (
        "To read all of a queue's attributes",
        'awslocal sqs get-queue-attributes --queue-url "$QUEUE_URL" --attribute-names All',
    ),
    ("sqs", "SetQueueAttributes"): (
        "To turn on long polling for a queue",
        'awslocal sqs set-queue-attributes --queue-url "$QUEUE_URL" '
        "--attributes ReceiveMessageWaitTimeSeconds=20",
    ),
    ("sqs", "AddPermission"): (
        "To let another account send to a queue",
        'awslocal sqs add-permission --queue-url "$QUEUE_URL" --label send-from-partner '
        "--aws-account-ids 111122223333 --actions SendMessage",
    ),
    ("sqs", "RemovePermission"): (
        "To remove a permission by its label",
        'awslocal sqs add-permission --queue-url "$QUEUE_URL" --label send-from-partner '
        "--aws-account-ids 111122223333 --actions SendMessage && "
        'awslocal sqs remove-permission --queue-url "$QUEUE_URL" --label send-from-partner',
    ),
    ("sqs", "TagQueue"): (
        "To tag a queue",
        'awslocal sqs tag-queue --queue-url "$QUEUE_URL" --tags team=web',
    ),
    ("sqs", "UntagQueue"): (
        "To remove a tag from a queue",
        'awslocal sqs untag-queue --queue-url "$QUEUE_URL" --tag-keys team',
    ),
    ("sqs", "ListMessageMoveTasks"): (
        "To list the move tasks of a dead-letter queue",
        'awslocal sqs list-message-move-tasks --source-arn "$DLQ_ARN"',
    ),
    ("sqs", "StartMessageMoveTask"): (
        "To move the messages of a dead-letter queue back to their source queues",
        'awslocal sqs start-message-move-task --source-arn "$DLQ_ARN"',
    ),
    ("sqs", "CancelMessageMoveTask"): (
        "To cancel a running move task (one that is already done cannot be cancelled)",
        'awslocal sqs send-message-batch --queue-url "$DLQ_URL" '
        "--entries Id=a,MessageBody=a Id=b,MessageBody=b Id=c,MessageBody=c && "
        'HANDLE=$(awslocal sqs start-message-move-task --source-arn "$DLQ_ARN" '
        f"--max-number-of-messages-per-second 1 {_Q} TaskHandle) && "
        'awslocal sqs cancel-message-move-task --task-handle "$HANDLE"',
    ),
    ("sns", "CreateTopic"): (
        "To create a topic",
        "awslocal sns create-topic --name example --tags Key=team,Value=web",
    ),
    ("sns", "Subscribe"): (
        "To subscribe a queue to a topic (the queue policy must let the topic send)",
        'awslocal sns subscribe --topic-arn "$TOPIC_ARN" --protocol sqs '
        '--notification-endpoint "$QUEUE_ARN"',
    ),
    ("sns", "ConfirmSubscription"): (
        "To confirm an email subscription with the token from awslocal local outbox",
        'awslocal sns subscribe --topic-arn "$TOPIC_ARN" --protocol email '
        "--notification-endpoint someone@example.com && "
        "TOKEN=$(awslocal local outbox --protocol email --output text "
        "--query 'Messages[-1].Token') && "
        'awslocal sns confirm-subscription --topic-arn "$TOPIC_ARN" --token "$TOKEN"',
    ),
    ("sns", "Publish"): (
        "To publish a message to a topic",
        'awslocal sns publish --topic-arn "$TOPIC_ARN" --message "disk full" '
        '--subject "Alert"',
    ),
    ("sns", "PublishBatch"): (
        "To publish two messages in one call",
        'awslocal sns publish-batch --topic-arn "$TOPIC_ARN" '
        "--publish-batch-request-entries Id=one,Message=first Id=two,Message=second",
    ),
    ("sns", "SetTopicAttributes"): (
        "To set a topic's display name",
        'awslocal sns set-topic-attributes --topic-arn "$TOPIC_ARN" '
        "--attribute-name DisplayName --attribute-value Alerts",
    ),
    ("sns", "SetSubscriptionAttributes"): (
        "To deliver the raw message to a queue, without the SNS envelope",
        'awslocal sns set-subscription-attributes --subscription-arn "$SUB_ARN" '
        "--attribute-name RawMessageDelivery --attribute-value true",
    ),
    ("sns", "AddPermission"): (
        "To let another account publish to a topic",
        'awslocal sns add-permission --topic-arn "$TOPIC_ARN" --label publish-from-partner '
        "--aws-account-id 111122223333 --action-name Publish",
    ),
    ("sns", "RemovePermission"): (
        "To remove a permission by its label",
        'awslocal sns add-permission --topic-arn "$TOPIC_ARN" --label publish-from-partner '
        "--aws-account-id 111122223333 --action-name Publish && "
        'awslocal sns remove-permission --topic-arn "$TOPIC_ARN" --label publish-from-partner',
    ),
    ("sns", "TagResource"): (
        "To tag a topic",
        'awslocal sns tag-resource --resource-arn "$TOPIC_ARN" --tags Key=team,Value=web',
    ),
    ("sns", "UntagResource"): (
        "To remove a tag from a topic",
        'awslocal sns untag-resource --resource-arn "$TOPIC_ARN" --tag-keys team',
    ),
    ("sns", "PutDataProtectionPolicy"): (
        "To deny publishing messages that contain email addresses",
        'awslocal sns put-data-protection-policy --resource-arn "$TOPIC_ARN" '
        "--data-protection-policy '{\"Name\": \"example\", \"Description\": \"\", "
        "\"Version\": \"2021-06-01\", \"Statement\": [{\"Sid\": \"deny-email\", "
        "\"DataDirection\": \"Inbound\", \"Principal\": [\"*\"], \"DataIdentifier\": "
        "[\"arn:aws:dataprotection::aws:data-identifier/EmailAddress\"], "
        "\"Operation\": {\"Deny\": {}}}]}'",
    ),
    ("sns", "CheckIfPhoneNumberIsOptedOut"): (
        "To check whether a number opted out of SMS",
        "awslocal sns check-if-phone-number-is-opted-out --phone-number +15555550100",
    ),
    ("sns", "OptInPhoneNumber"): (
        "To opt a number back in after it replied STOP",
        "awslocal local opt-out --phone-number +15555550100 && "
        "awslocal sns opt-in-phone-number --phone-number +15555550100",
    ),
    ("sns", "SetSMSAttributes"): (
        "To make SMS transactional by default",
        "awslocal sns set-sms-attributes --attributes DefaultSMSType=Transactional",
    ),
    ("sns", "CreateSMSSandboxPhoneNumber"): (
        "To add a number to the SMS sandbox (its one-time password lands in the outbox)",
        "awslocal sns create-sms-sandbox-phone-number --phone-number +15555550100",
    ),
    ("sns", "DeleteSMSSandboxPhoneNumber"): (
        "To remove a number from the SMS sandbox",
        "awslocal sns create-sms-sandbox-phone-number --phone-number +15555550100 && "
        "awslocal local clock advance 25h && "
        "awslocal sns delete-sms-sandbox-phone-number --phone-number +15555550100",
    ),
    ("sns", "VerifySMSSandboxPhoneNumber"): (
        "To verify a sandbox number with the one-time password from the outbox",
        "awslocal sns create-sms-sandbox-phone-number --phone-number +15555550100 && "
        "OTP=$(awslocal local outbox --protocol sms --output text "
        "--query 'Messages[-1].OneTimePassword') && "
        "awslocal sns verify-sms-sandbox-phone-number --phone-number +15555550100 "
        '--one-time-password "$OTP"',
    ),
    ("sns", "CreatePlatformApplication"): (
        "To create a platform application for Firebase (GCM)",
        "awslocal sns create-platform-application --name example --platform GCM "
        "--attributes PlatformCredential=example-api-key",
    ),
    ("sns", "CreatePlatformEndpoint"): (
        "To register a device with a platform application",
        'awslocal sns create-platform-endpoint --platform-application-arn "$APP_ARN" '
        "--token example-device-token",
    ),
    ("sns", "SetEndpointAttributes"): (
        "To disable a device endpoint",
        'awslocal sns set-endpoint-attributes --endpoint-arn "$ENDPOINT_ARN" '
        "--attributes Enabled=false",
    ),
    ("sns", "SetPlatformApplicationAttributes"): (
        "To turn on delivery status logging for an application",
        'awslocal sns set-platform-application-attributes --platform-application-arn "$APP_ARN" '
        "--attributes SuccessFeedbackSampleRate=100",
    ),
    ("cloudtrail", "LookupEvents"): (
        "To list the KMS calls that generated data keys",
        "awslocal cloudtrail lookup-events "
        "--lookup-attributes AttributeKey=EventName,AttributeValue=GenerateDataKey",
    ),
}

# The example a service's own page shows.
SERVICE_EXAMPLE = {
    "kms": "CreateKey",
    "sqs": "SendMessage",
    "sns": "Publish",
    "sts": "GetCallerIdentity",
    "cloudtrail": "LookupEvents",
}

# Required member -> the value a generated example gives it.
FILL = {
    "KeyId": '"$KEY_ID"',
    "QueueUrl": '"$QUEUE_URL"',
    "TopicArn": '"$TOPIC_ARN"',
    "ResourceArn": '"$TOPIC_ARN"',
    "SubscriptionArn": '"$SUB_ARN"',
    "PlatformApplicationArn": '"$APP_ARN"',
    "EndpointArn": '"$ENDPOINT_ARN"',
    "CustomKeyStoreId": '"$STORE_ID"',
    "SourceArn": '"$DLQ_ARN"',
}
# Variables whose setup needs others first (beyond what their lines name).
NEEDS = {"SUB_ARN": ["TOPIC_ARN", "QUEUE_ARN"], "QUEUE_ARN": ["QUEUE_URL"]}


class Example:
    """One example: a title and the lines a user types, from an empty state."""

    def __init__(self, title: str, command: str, generated: bool = False) -> None:
        self.title = title
        self.command = command
        self.generated = generated

    def variables(self) -> list[str]:
        """The SETUP variables the command needs, each after those it needs."""
        order: list[str] = []
        visiting: set[str] = set()

        def names(text: str) -> list[str]:
            found = []
            for part in text.split("$")[1:]:
                word = ""
                for c in part:
                    if not (c.isupper() or c == "_"):
                        break
                    word += c
                found.append(word)
            return found

        def visit(text: str) -> None:
            for name in names(text):
                if name not in SETUP or name in order or name in visiting:
                    continue
                visiting.add(name)
                for dep in NEEDS.get(name, []):
                    visit(f"${dep}")
                for line in SETUP[name]:
                    visit(line)
                order.append(name)

        visit(self.command)
        return order

    def script(self) -> list[str]:
        lines = [line for name in self.variables() for line in SETUP[name]]
        return [*lines, *self.command.split(" && ")]


def example_for(service: str, operation: str) -> Example:
    """The example for one operation: hand-written, else built from its required members."""
    written = EXAMPLES.get((service, operation))
    if written is not None:
        return Example(*written)
    from awslocal_cli.cli.operation import Operation

    op = Operation(service, operation)
    parts = [f"awslocal {service} {op.name}"]
    for spec in op.specs.values():
        if spec.required:
            if spec.member not in FILL:
                raise KeyError(f"no example for {service} {operation}: add one to EXAMPLES")
            parts.append(f"--{spec.option} {FILL[spec.member]}")
    title = f"To call {operation}" + (" with its required parameters" if len(parts) > 1 else "")
    return Example(title, " ".join(parts), generated=True)


def all_examples() -> dict[tuple[str, str], Example]:
    from awslocal_cli.cli.operation import implemented_operations
    from awslocal_cli.model import SERVICES

    return {
        (service, op): example_for(service, op)
        for service in SERVICES
        for op in implemented_operations(service).values()
    }
