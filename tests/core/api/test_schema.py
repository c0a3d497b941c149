"""The OpenAPI schema: generated without warnings, valid, and saying what each step needs."""

import pytest
from django import forms
from django.core.management import call_command

from workflows.recruitment.flows import human_steps
from workflows.recruitment.forms import STEP_FORMS


def _camel(name):
    return "".join(part.title() for part in name.split("_"))


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.0")


@pytest.mark.django_db
def test_the_schema_endpoint_documents_every_step(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/cases/{id}/history/",
        "/api/tasks/",
        "/api/tasks/{id}/take/",
        "/api/tasks/{id}/release/",
        "/api/recruitment/cases/",
        "/api/recruitment/cases/{id}/records/",
        "/api/recruitment/cases/{id}/transfer/",
        "/api/recruitment/tasks/{id}/complete/",
    } <= set(schema["paths"])
    components = schema["components"]["schemas"]
    complete = schema["paths"]["/api/recruitment/tasks/{id}/complete/"]["post"]
    body = complete["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    steps = components[body.rsplit("/", 1)[1]]["oneOf"]
    assert len(steps) == len(human_steps()) == len(STEP_FORMS)
    for node in human_steps():
        name = f"{_camel(node.name)}Step"
        assert f"#/components/schemas/{name}" in [s["$ref"] for s in steps]
        assert f"`{node.name}`: `{name}`" in complete["description"]
        fields = STEP_FORMS[node.name].base_fields
        required = {k for k, f in fields.items() if f.required}
        documented = components[name]
        assert required == set(documented.get("required", []))
        assert set(documented["properties"]) == {
            k for k, f in fields.items() if not isinstance(f, forms.FileField)
        }
    refusal = complete["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert refusal.endswith("/Refusal")
    assert {"403", "404", "409"} <= set(complete["responses"])


@pytest.mark.django_db
def test_the_schema_speaks_the_users_language(client):
    chinese = client.get("/api/schema/?format=json").json()
    english = client.get("/api/schema/?format=json", headers={"accept-language": "en"}).json()
    opinion = "components", "schemas", "TalkStep", "properties", "opinion"

    def title(schema):
        for key in opinion:
            schema = schema[key]
        return schema.get("title", "Opinion")  # left out where it repeats the field name

    assert title(chinese) == "意见"
    assert title(english) == "Opinion"
