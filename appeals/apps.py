from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self) -> None:
        # Imported here, once every app's models are loaded (the layer reads Appeal).
        from appeals.layers import register_appeal_layers
        from rgis.personal import personal_field_register

        register_appeal_layers()
        # The applicant's IIN, encrypted, and its look-up hash (personal_data_rotate).
        personal_field_register(
            "appeals.Appeal", encrypted="applicant_iin_encrypted", digest="applicant_iin_digest"
        )
